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

/** The bytes a base64 text decodes to. */
const base64Bytes = (text: string): number => {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((text.length * 3) / 4) - padding);
};

/**
 * What a message counts against SQS's size limit: its body in UTF-8 plus its message attributes
 * (each: name, data type and value; group and deduplication ids are request parameters, not
 * attributes).
 * @example messageBytes({ id: "0", body: "héllo" }) // 6
 */
export const messageBytes = (message: OutgoingMessage): number => {
  let bytes = utf8Length(message.body);
  for (const [name, attribute] of Object.entries(message.attributes ?? {}))
    bytes +=
      utf8Length(name) +
      utf8Length(attribute.dataType) +
      (attribute.stringValue === undefined ? 0 : utf8Length(attribute.stringValue)) +
      (attribute.binaryValue === undefined ? 0 : base64Bytes(attribute.binaryValue));
  return bytes;
};

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
