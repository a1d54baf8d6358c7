import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { type ConfigurationError, configurationError, invalidRecord } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { FailedWrite, TableWriter } from "../../ports/tableWriter.js";

/**
 * What queueToTable does with a batch from a standard queue (one whose `eventSourceARN` does not
 * end in `.fifo`), which reorders and redelivers messages across batches:
 * - `"accept"`: writes it as a FIFO batch (the factory's default: the caller orders the commands);
 * - `"refuse"`: fails the invocation with a configuration error naming FIFO and `VERSION_TABLE`
 *   (the deployable handler without `VERSION_TABLE`: nothing would order the commands);
 * - `"requireSeq"`: applies commands carrying `seq` (sequence-guarded) and rejects the others,
 *   which nothing can order there (the deployable handler with `VERSION_TABLE`).
 * @example const policy: StandardQueuePolicy = versionTable === undefined ? "refuse" : "requireSeq";
 */
export type StandardQueuePolicy = "accept" | "refuse" | "requireSeq";

/**
 * The queue ARN of a batch when it is a standard queue: the first record's `eventSourceARN` when
 * it is a string not ending in `.fifo` (an event source mapping reads one queue); `undefined` for
 * a FIFO queue or a record without an ARN.
 * @example standardQueueOf([{ eventSourceARN: "arn:aws:sqs:us-east-1:1:rows" }]) // "arn:aws:sqs:us-east-1:1:rows"
 */
export const standardQueueOf = (records: ReadonlyArray<unknown>): string | undefined => {
  const first = records[0];
  if (typeof first !== "object" || first === null) return undefined;
  const arn = (first as { eventSourceARN?: unknown }).eventSourceARN;
  return typeof arn === "string" && arn !== "" && !arn.endsWith(".fifo") ? arn : undefined;
};

/**
 * The error a standard queue meets when nothing orders its commands.
 * @example toThrowable(standardQueueRefused("arn:aws:sqs:us-east-1:1:rows"))
 */
export const standardQueueRefused = (queueArn: string): ConfigurationError =>
  configurationError(
    queueArn,
    "is a standard SQS queue, which reorders and redelivers messages: an older command would overwrite a newer one. Use a FIFO queue (name ending in .fifo), or set VERSION_TABLE so commands carrying a sequence number are applied in order",
  );

const unordered = (command: WriteCommand): FailedWrite => ({
  command,
  error: invalidRecord(
    command.source,
    "seq",
    "missing: on a standard SQS queue only commands carrying a sequence number can be applied in order (VERSION_TABLE); send commands without one through a FIFO queue",
  ),
});

/**
 * A table writer that applies only commands carrying `seq` (by `table`, sequence-guarded) and
 * fails the others as invalid records: what a standard queue allows.
 * @example requiringSequence(new DynamoDbSequenceGuardedTableWriter(client, { table, versionTable }))
 */
export const requiringSequence = (table: TableWriter): TableWriter => ({
  keySchema: table.keySchema,
  write: (commands, deadline) => {
    const missing = commands.filter((command) => command.seq === undefined).map(unordered);
    const ordered = commands.filter((command) => command.seq !== undefined);
    if (ordered.length === 0) return TE.right({ failed: missing });
    return pipe(
      table.write(ordered, deadline),
      TE.map((report) => ({ ...report, failed: [...missing, ...report.failed] })),
    );
  },
});

/**
 * The table a batch is written to under `policy`: `table` itself, `table` requiring `seq`, or
 * the refusal of the batch's standard queue.
 * @example const writer = writerFor(records, "refuse", table); // left for a standard queue
 */
export const writerFor = (
  records: ReadonlyArray<unknown>,
  policy: StandardQueuePolicy,
  table: TableWriter,
): E.Either<ConfigurationError, TableWriter> => {
  const standard = policy === "accept" ? undefined : standardQueueOf(records);
  if (standard === undefined) return E.right(table);
  return policy === "refuse"
    ? E.left(standardQueueRefused(standard))
    : E.right(requiringSequence(table));
};
