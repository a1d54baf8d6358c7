import * as TE from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import type { BatchRequest, InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { isPipelineError, writeInBatches } from "../shared/batchWrites.js";
import { defaultRetryEnv, type RetryEnv } from "../shared/retry.js";
import { mapInMemoryError } from "./mapInMemoryError.js";

const toRequest = (command: WriteCommand): BatchRequest =>
  command.op === "put" ? { put: command.item } : { delete: command.key };

/**
 * {@link TableWriter} on an {@link InMemoryDynamoDb} table, with the same batching and retry
 * behaviour as the DynamoDB adapter (25 requests per BatchWriteItem, unprocessed items retried
 * with backoff until the deadline).
 *
 * @example
 * const writer = new InMemoryTableWriter(db, "replica");
 */
export class InMemoryTableWriter implements TableWriter {
  constructor(
    private readonly db: InMemoryDynamoDb,
    private readonly table: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {}

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> =>
    TE.tryCatch(
      async () => this.db.keySchema(this.table),
      (error) => mapInMemoryError(error, `table ${this.table}`),
    );

  readonly write = (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, WriteReport> =>
    TE.tryCatch(
      async () => ({
        failed: await writeInBatches(
          commands,
          deadline,
          async (batch) => {
            const requests = batch.map(toRequest);
            const left = new Set(this.db.batchWrite(this.table, requests));
            return batch.filter((_, i) => left.has(requests[i] as BatchRequest));
          },
          (error) => mapInMemoryError(error, `table ${this.table}`),
          this.retry,
        ),
      }),
      (error) => (isPipelineError(error) ? error : mapInMemoryError(error, `table ${this.table}`)),
    );
}
