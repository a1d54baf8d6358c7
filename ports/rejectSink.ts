import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { InvalidRecord, PipelineError } from "../domain/errors.js";

/** A record that can never succeed, with what identifies it in its source. */
export interface RejectedRecord {
  readonly error: InvalidRecord;
  /** Key attributes, sequence number, message id… whatever lets an operator find the record. */
  readonly identity: Readonly<Record<string, unknown>>;
  /** The record as the entry point received it, for a replay (domain/rejectDocument.ts). */
  readonly original?: unknown;
}

/**
 * Where records that can never succeed go, so they neither block their shard nor vanish:
 * a structured log line by default, or a durable destination (an SQS queue, an S3 prefix:
 * `REJECT_DESTINATION`, docs/rejects.md). A left means the records were NOT stored (the
 * destination still failed after retries): the caller reports them failed, never done.
 *
 * @example
 * const stored = await sink.reject([{ error: invalidRecord("e1", "quantity", "not a number"), identity: { keys } }])();
 */
export interface RejectSink {
  readonly reject: (records: ReadonlyArray<RejectedRecord>) => TaskEither<PipelineError, void>;
}
