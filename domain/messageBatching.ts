import { utf8Length } from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import type { OutgoingMessage } from "./outgoingMessage.js";

/** SendMessageBatch's limits. */
export interface BatchingLimits {
  /** Most entries per batch (SQS: 10). */
  readonly maxEntries: number;
  /** Most bytes per batch, bodies and message attributes together (SQS default: 262,144). */
  readonly maxBatchBytes: number;
}

/** SQS's limits: 10 entries and 256 KiB per SendMessageBatch. */
export const defaultBatchingLimits: BatchingLimits = { maxEntries: 10, maxBatchBytes: 262_144 };

/** Batches to send, and the messages that can never be sent because one alone is too big. */
export interface MessageBatches {
  readonly batches: ReadonlyArray<ReadonlyArray<OutgoingMessage>>;
  readonly oversize: ReadonlyArray<{ readonly id: string; readonly error: InvalidRecord }>;
}

/**
 * What a message counts against SQS's size limit: its body in UTF-8 plus its message attributes.
 * {@link OutgoingMessage} carries no message attributes (group and deduplication ids are request
 * parameters, not attributes), so this is the body's size.
 * @example messageBytes({ id: "0", body: "héllo" }) // 6
 */
export const messageBytes = (message: OutgoingMessage): number => utf8Length(message.body);

/**
 * Splits messages, in order, into SendMessageBatch chunks of at most `maxEntries` entries and
 * `maxBatchBytes` bytes. A message that alone exceeds `maxBatchBytes` is not sent: it is reported
 * as an {@link InvalidRecord} (it would fail on every retry).
 *
 * @example
 * splitIntoBatches(messages).batches.map((b) => b.length) // [10, 10, 3] for 23 small messages
 */
export const splitIntoBatches = (
  messages: ReadonlyArray<OutgoingMessage>,
  limits: BatchingLimits = defaultBatchingLimits,
): MessageBatches => {
  const batches: OutgoingMessage[][] = [];
  const oversize: { id: string; error: InvalidRecord }[] = [];
  let current: OutgoingMessage[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (bytes > limits.maxBatchBytes) {
      oversize.push({
        id: message.id,
        error: invalidRecord(
          message.id,
          "$",
          `message of ${bytes} bytes exceeds the ${limits.maxBatchBytes}-byte limit`,
        ),
      });
      continue;
    }
    if (current.length === limits.maxEntries || currentBytes + bytes > limits.maxBatchBytes) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversize };
};
