import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../domain/deadline.js";
import type { PipelineError } from "../domain/errors.js";
import type { OutgoingMessage } from "../domain/outgoingMessage.js";

/** Outcome of {@link MessageQueue.send}: every message not listed in `failed` was accepted. */
export interface SendReport {
  readonly failed: ReadonlyArray<{ readonly id: string; readonly error: PipelineError }>;
}

/**
 * Sends messages to one queue in batches (SendMessageBatch: ≤ 10 entries, within the size
 * limit), retrying entries the queue failed transiently until the deadline.
 *
 * @example
 * const report = await queue.send([{ id: "0", body: "{}" }], deadline)();
 */
export interface MessageQueue {
  /** Whether the queue is FIFO (its URL ends in `.fifo`). */
  readonly fifo: boolean;
  readonly send: (
    messages: ReadonlyArray<OutgoingMessage>,
    deadline: Deadline,
  ) => TaskEither<PipelineError, SendReport>;
}
