import type { InvalidRecord } from "../domain/errors.js";

/** A record that can never succeed, with what identifies it in its source. */
export interface RejectedRecord {
  readonly error: InvalidRecord;
  /** Key attributes, sequence number, message id… whatever lets an operator find the record. */
  readonly identity: Readonly<Record<string, unknown>>;
}

/**
 * Where records that can never succeed go, so they neither block their shard nor vanish:
 * a structured log line by default, or a dead-letter queue.
 *
 * @example
 * await sink.reject([{ error: invalidRecord("e1", "quantity", "not a number"), identity: { keys } }]);
 */
export interface RejectSink {
  readonly reject: (records: ReadonlyArray<RejectedRecord>) => Promise<void>;
}
