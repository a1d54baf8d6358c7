import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../domain/errors.js";
import type { SourceMessage } from "../domain/redrivePlan.js";

/**
 * A message received from a {@link MessageSource}: the message and the receipt handle that
 * deletes or releases it.
 * @example const received: ReceivedMessage = { id: "m-1", body: "{}", attributes: {}, receiptHandle: "AQEB…" };
 */
export interface ReceivedMessage extends SourceMessage {
  readonly receiptHandle: string;
}

/**
 * Empties a queue (a dead-letter queue, an SQS reject destination), SQS-style: a received
 * message stays invisible to every other reader for the visibility timeout asked for, so two
 * readers never hold the same message; it is deleted once handled, or released (visible again at
 * once) when it is to stay. `delete` and `release` answer the ids they could not handle (a stale
 * receipt handle: the timeout expired and the message was received again).
 *
 * @example
 * const batch = await source.receive(10, 300)();
 * const notDeleted = await source.delete(batch.right)();
 */
export interface MessageSource {
  /** Whether the queue is FIFO (its URL ends in `.fifo`). */
  readonly fifo: boolean;
  /** ReceiveMessage: up to `max` (1–10) messages, invisible for `visibilitySeconds`. */
  readonly receive: (
    max: number,
    visibilitySeconds: number,
  ) => TaskEither<PipelineError, ReadonlyArray<ReceivedMessage>>;
  /** DeleteMessageBatch (≤ 10 per call); the ids not deleted. */
  readonly delete: (
    messages: ReadonlyArray<ReceivedMessage>,
  ) => TaskEither<PipelineError, ReadonlyArray<string>>;
  /** ChangeMessageVisibilityBatch to 0 (≤ 10 per call); the ids not released. */
  readonly release: (
    messages: ReadonlyArray<ReceivedMessage>,
  ) => TaskEither<PipelineError, ReadonlyArray<string>>;
}

/**
 * Finds a queue's URL from its ARN (SQS GetQueueUrl with the queue's name and owner account).
 * @example const url = await directory.urlOf("arn:aws:sqs:us-east-1:123456789012:rows.fifo")();
 */
export interface QueueDirectory {
  readonly urlOf: (arn: string) => TaskEither<PipelineError, string>;
}
