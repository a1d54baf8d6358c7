import type * as TE from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../../../domain/attributeValue.js";
import type { Deadline } from "../../../domain/deadline.js";
import type { PipelineError } from "../../../domain/errors.js";
import type { WriteCommand } from "../../../domain/writeCommand.js";
import type { FailedWrite, TableWriter, WriteReport } from "../../../ports/tableWriter.js";
import type { FaultPlan } from "./faultPlan.js";
import { type FaultSite, faultyBatch, randomSubset } from "./faultyCalls.js";

/**
 * {@link TableWriter} decorator that injects the faults of a {@link FaultPlan} into `write`
 * (one draw per call; `keySchema` is a read and goes straight through), in front of any table
 * writer: in memory, DynamoDB, sequence-guarded. `transient` and `timeout` fail the call;
 * `partial` writes some commands and reports the others failed (UnprocessedItems);
 * `transactionCanceled` reports every command failed (TransactionConflict); crashes reject.
 *
 * @example
 * const table = new FaultyTableWriter(new DynamoDbTableWriter(client, "replica"), FaultPlan.random({ seed: 1 }));
 */
export class FaultyTableWriter implements TableWriter {
  private readonly site: FaultSite;

  constructor(
    private readonly inner: TableWriter,
    plan: FaultPlan,
  ) {
    this.site = { plan, port: "TableWriter", operation: "BatchWriteItem" };
  }

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> => this.inner.keySchema();

  readonly write =
    (
      commands: ReadonlyArray<WriteCommand>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, WriteReport> =>
    () =>
      faultyBatch<WriteCommand, FailedWrite>(this.site, {
        units: commands,
        deadline,
        write: (some) => this.inner.write(some, deadline)(),
        failure: (command, error) => ({ command, error }),
        failing: (units) => randomSubset(this.site.plan, units),
        cancelPerUnit: true,
      });
}
