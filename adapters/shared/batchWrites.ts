import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../domain/deadline.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { FailedWrite } from "../../ports/tableWriter.js";
import { type RetryEnv, withRetries } from "./retry.js";

/** BatchWriteItem's limit on requests per call. */
export const BATCH_WRITE_LIMIT = 25;

/** One BatchWriteItem call: the commands left unprocessed, or the call's error (mapped). */
export type BatchWriteCall = (
  batch: ReadonlyArray<WriteCommand>,
) => TE.TaskEither<PipelineError, ReadonlyArray<WriteCommand>>;

/** The batch's commands with one error each. */
const failAll = (
  commands: ReadonlyArray<WriteCommand>,
  error: PipelineError,
): ReadonlyArray<FailedWrite> => commands.map((command) => ({ command, error }));

/**
 * Writes one batch until done or out of retries: unprocessed commands and transient errors are
 * retried with backoff until the deadline (what is left is reported `Transient`); a batch the
 * service refuses as invalid is written again one command at a time, so only the culprit fails
 * (as `InvalidRecord` naming its source). A `Configuration` error is returned as a whole.
 */
const writeBatch = async (
  batch: ReadonlyArray<WriteCommand>,
  deadline: Deadline,
  call: BatchWriteCall,
  retry: RetryEnv,
): Promise<E.Either<PipelineError, ReadonlyArray<FailedWrite>>> => {
  let pending = batch;
  const lastError = await withRetries(
    async (): Promise<PipelineError | undefined> => {
      const result = await call(pending)();
      if (E.isLeft(result)) return result.left;
      pending = result.right;
      return pending.length > 0
        ? transient("BatchWriteItem", `${pending.length} items unprocessed`)
        : undefined;
    },
    (error) => error === undefined || error._tag !== "Transient",
    deadline,
    retry,
  );
  if (lastError === undefined) return E.right([]);
  if (lastError._tag === "Configuration") return E.left(lastError);
  if (lastError._tag === "Transient") return E.right(failAll(pending, lastError));
  const [only] = pending;
  if (pending.length === 1 && only !== undefined)
    return E.right([{ command: only, error: { ...lastError, recordId: only.source } }]);
  const failed: FailedWrite[] = [];
  for (const command of pending) {
    const alone = await writeBatch([command], deadline, call, retry);
    if (E.isLeft(alone)) return alone;
    failed.push(...alone.right);
  }
  return E.right(failed);
};

/**
 * The batching of the table writer: 25 commands per call, each batch written by
 * {@link writeBatch} (retries until the deadline, invalid batches isolated command by command).
 * Resolves with the commands that finally failed, or with the `Configuration` error that stopped
 * the write.
 *
 * @example
 * const failed = await writeInBatches(commands, deadline, (batch) => send(batch), retry)();
 */
export const writeInBatches =
  (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
    call: BatchWriteCall,
    retry: RetryEnv,
  ): TE.TaskEither<PipelineError, ReadonlyArray<FailedWrite>> =>
  async () => {
    const failed: FailedWrite[] = [];
    for (let i = 0; i < commands.length; i += BATCH_WRITE_LIMIT) {
      const settled = await writeBatch(
        commands.slice(i, i + BATCH_WRITE_LIMIT),
        deadline,
        call,
        retry,
      );
      if (E.isLeft(settled)) return settled;
      failed.push(...settled.right);
    }
    return E.right(failed);
  };
