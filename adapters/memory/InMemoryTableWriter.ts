import * as TE from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { FailedWrite, TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "../retry.js";
import type { BatchRequest, InMemoryDynamoDb } from "./InMemoryDynamoDb.js";
import { mapInMemoryError } from "./mapInMemoryError.js";

const BATCH = 25;

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
      async () => {
        const failed: FailedWrite[] = [];
        for (let i = 0; i < commands.length; i += BATCH) {
          failed.push(...(await this.writeBatch(commands.slice(i, i + BATCH), deadline)));
        }
        return { failed };
      },
      (error) => mapInMemoryError(error, `table ${this.table}`),
    );

  private async writeBatch(
    batch: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): Promise<FailedWrite[]> {
    let pending: ReadonlyArray<WriteCommand> = batch;
    let lastError: PipelineError | undefined;
    await withRetries(
      async () => {
        const requests = pending.map(toRequest);
        try {
          const left = new Set(this.db.batchWrite(this.table, requests));
          pending = pending.filter((_, i) => left.has(requests[i] as BatchRequest));
          lastError =
            pending.length > 0
              ? transient("BatchWriteItem", `${pending.length} items unprocessed`)
              : undefined;
        } catch (error) {
          lastError = mapInMemoryError(error, `table ${this.table}`);
          if (lastError._tag === "Configuration") throw error;
        }
        return lastError;
      },
      (error) => error === undefined || error._tag !== "Transient",
      deadline,
      this.retry,
    );
    if (lastError?._tag === "InvalidRecord") return this.isolate(pending, deadline, lastError);
    return pending.map((command) => ({
      command,
      error: lastError ?? transient("BatchWriteItem", "unprocessed"),
    }));
  }

  /** A request the service rejected fails its whole batch: write one by one to find the culprit. */
  private async isolate(
    batch: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
    error: PipelineError,
  ): Promise<FailedWrite[]> {
    if (batch.length === 1) {
      const command = batch[0] as WriteCommand;
      return [
        {
          command,
          error: error._tag === "InvalidRecord" ? { ...error, recordId: command.source } : error,
        },
      ];
    }
    const failed: FailedWrite[] = [];
    for (const command of batch) failed.push(...(await this.writeBatch([command], deadline)));
    return failed;
  }
}
