import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { KeySchema } from "../domain/attributeValue.js";
import type { Deadline } from "../domain/deadline.js";
import type { PipelineError } from "../domain/errors.js";
import type { WriteCommand } from "../domain/writeCommand.js";

/** A command that could not be applied, and why. */
export interface FailedWrite {
  readonly command: WriteCommand;
  readonly error: PipelineError;
}

/**
 * Outcome of {@link TableWriter.write}: every command not listed in `failed` was applied, or
 * found already applied (`stale`: the table held its version or a newer one; written by
 * sequence-guarded writers only, which report it).
 */
export interface WriteReport {
  readonly failed: ReadonlyArray<FailedWrite>;
  readonly stale?: ReadonlyArray<WriteCommand>;
}

/**
 * Applies put/delete commands to one table with batched writes (BatchWriteItem: ≤ 25 requests,
 * one per key, unprocessed items retried with backoff until the deadline).
 *
 * @example
 * const report = await writer.write([{ op: "put", key, item, source: "evt-1" }], deadline)();
 */
export interface TableWriter {
  /** Applies the commands; the caller passes at most one command per key. */
  readonly write: (
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ) => TaskEither<PipelineError, WriteReport>;
  /** The table's key attributes (needed to key bare item images). */
  readonly keySchema: () => TaskEither<PipelineError, KeySchema>;
}
