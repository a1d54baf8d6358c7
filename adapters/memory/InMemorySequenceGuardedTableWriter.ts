import type * as TE from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import { type GuardedWrite, isNewerThanStored, versionItem } from "../../domain/sequenceGuard.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import type { InMemoryDynamoDb, TransactAction } from "../localAws/services/InMemoryDynamoDb.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import { defaultRetryEnv } from "../shared/retry.js";
import {
  type SequenceGuardedWrites,
  type SequenceGuardOptions,
  type TransactOutcome,
  writeSequenceGuarded,
} from "../shared/sequenceGuardedWrites.js";
import { InMemoryTableWriter } from "./InMemoryTableWriter.js";
import { mapInMemoryError } from "./mapInMemoryError.js";

/**
 * {@link TableWriter} for standard (reordering, redelivering) queues on an
 * {@link InMemoryDynamoDb}: each command with `seq` is applied in one transaction with its item
 * in the version table (conditional put `attribute_not_exists(pk) OR seq < :seq`), so an older
 * command never overwrites a newer one, whatever the delivery order; a command whose condition
 * fails is stale and counts as done. Up to 50 commands per transaction, transient errors retried
 * until the deadline, commands without `seq` written by `options.inner` (InMemoryTableWriter).
 *
 * @example
 * db.createTable("versions", { partitionKey: "pk" });
 * const writer = new InMemorySequenceGuardedTableWriter(db, { table: "replica", versionTable: "versions" });
 */
export class InMemorySequenceGuardedTableWriter implements TableWriter {
  private readonly deps: SequenceGuardedWrites;
  private readonly clock: () => number;

  constructor(
    private readonly db: InMemoryDynamoDb,
    private readonly options: SequenceGuardOptions,
  ) {
    const retry = options.retry ?? defaultRetryEnv;
    this.clock = options.clock ?? Date.now;
    this.deps = {
      table: options.table,
      inner: options.inner ?? new InMemoryTableWriter(db, options.table, retry),
      retry,
      transact: async (writes) => this.transact(writes),
    };
  }

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> => this.deps.inner.keySchema();

  readonly write = (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, WriteReport> =>
    writeSequenceGuarded(this.deps, commands, deadline);

  private transact(writes: ReadonlyArray<GuardedWrite>): TransactOutcome {
    const { table, versionTable } = this.options;
    const now = this.clock();
    const actions = writes.flatMap(({ command, versionKey, seq }): TransactAction[] => [
      {
        kind: "put",
        table: versionTable,
        item: versionItem(versionKey, seq, now),
        condition: (stored) => isNewerThanStored(stored, seq),
      },
      command.op === "put"
        ? { kind: "put", table, item: command.item }
        : { kind: "delete", table, key: command.key },
    ]);
    try {
      this.db.transactWrite(actions);
      return { _tag: "Applied" };
    } catch (error) {
      if (error instanceof InMemoryServiceError && error.name === "TransactionCanceledException")
        return { _tag: "Cancelled", reasons: error.cancellationReasons };
      return {
        _tag: "Failed",
        error: mapInMemoryError(error, `table ${table} or version table ${versionTable}`),
      };
    }
  }
}
