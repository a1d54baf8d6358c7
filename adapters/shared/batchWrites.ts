import type { Deadline } from "../../domain/deadline.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { FailedWrite } from "../../ports/tableWriter.js";
import { type RetryEnv, withRetries } from "./retry.js";

/** BatchWriteItem's limit on requests per call. */
export const BATCH_WRITE_LIMIT = 25;

/** One BatchWriteItem call: resolves to the commands left unprocessed, rejects on failure. */
export type BatchWriteCall = (
  batch: ReadonlyArray<WriteCommand>,
) => Promise<ReadonlyArray<WriteCommand>>;

/**
 * The batching both table writers share: 25 commands per call; unprocessed commands and
 * transient errors retried with backoff until the deadline (what is left is reported
 * `Transient`); a batch the service refuses as invalid retried one command at a time, so only the
 * culprit fails (as `InvalidRecord` naming its source). A `Configuration` error is thrown.
 *
 * @example
 * const failed = await writeInBatches(commands, deadline, (batch) => send(batch), (e) => mapAwsError(e, "table t"), retry);
 */
export const writeInBatches = async (
  commands: ReadonlyArray<WriteCommand>,
  deadline: Deadline,
  call: BatchWriteCall,
  mapError: (error: unknown) => PipelineError,
  retry: RetryEnv,
): Promise<FailedWrite[]> => {
  const writeBatch = async (batch: ReadonlyArray<WriteCommand>): Promise<FailedWrite[]> => {
    let pending = batch;
    let lastError: PipelineError | undefined;
    await withRetries(
      async () => {
        try {
          pending = await call(pending);
          lastError =
            pending.length > 0
              ? transient("BatchWriteItem", `${pending.length} items unprocessed`)
              : undefined;
        } catch (error) {
          lastError = mapError(error);
          if (lastError._tag === "Configuration") throw lastError;
        }
        return lastError;
      },
      (error) => error === undefined || error._tag !== "Transient",
      deadline,
      retry,
    );
    if (lastError?._tag !== "InvalidRecord")
      return pending.map((command) => ({
        command,
        error: lastError ?? transient("BatchWriteItem", "unprocessed"),
      }));
    const [only] = pending;
    if (pending.length === 1 && only !== undefined)
      return [{ command: only, error: { ...lastError, recordId: only.source } }];
    const failed: FailedWrite[] = [];
    for (const command of pending) failed.push(...(await writeBatch([command])));
    return failed;
  };
  const failed: FailedWrite[] = [];
  for (let i = 0; i < commands.length; i += BATCH_WRITE_LIMIT)
    failed.push(...(await writeBatch(commands.slice(i, i + BATCH_WRITE_LIMIT))));
  return failed;
};

/**
 * Whether a thrown value is already a domain error (thrown by {@link writeInBatches}).
 * @example catch (error) { return E.left(isPipelineError(error) ? error : mapAwsError(error, r)); }
 */
export const isPipelineError = (value: unknown): value is PipelineError =>
  typeof value === "object" &&
  value !== null &&
  ["InvalidRecord", "Transient", "Configuration"].includes((value as { _tag?: string })._tag ?? "");
