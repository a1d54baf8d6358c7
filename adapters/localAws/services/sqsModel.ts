import type { SQSMessageAttributes, SQSRecord } from "aws-lambda";
import type { MessageAttributes } from "../../../domain/outgoingMessage.js";
import { InMemoryServiceError } from "./serviceError.js";

/**
 * The data model and the request checks of {@link InMemorySqs}: queue options, batch entries,
 * stored messages, SQS's limits and error names, and the Lambda `SQSRecord` a message is
 * delivered as.
 */

/** How a queue is created. */
export interface QueueOptions {
  /** FIFO queue (its name must end in `.fifo`). Defaults to what the name says. */
  readonly fifo?: boolean;
  readonly visibilityTimeoutSeconds: number;
  /** Move a message to `deadLetterQueue` when its receive count exceeds `maxReceiveCount`. */
  readonly redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
  /** FIFO only: deduplicate on the body's SHA-256 when no MessageDeduplicationId is given. */
  readonly contentBasedDeduplication?: boolean;
}

/** One entry of {@link InMemorySqs.sendBatch}. */
export interface SendEntry {
  readonly id: string;
  readonly body: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  /** Message attributes (binary values in base64), at most 10. */
  readonly attributes?: MessageAttributes;
}

/** A failed entry of a batch, as SQS reports it (`SenderFault`: the caller's fault). */
export interface FailedEntry {
  readonly id: string;
  readonly code: string;
  readonly message: string;
  readonly senderFault: boolean;
}

/** The outcome of {@link InMemorySqs.sendBatch}. */
export interface SendBatchResult {
  readonly successful: ReadonlyArray<{ readonly id: string; readonly messageId: string }>;
  readonly failed: ReadonlyArray<FailedEntry>;
}

/** Fails chosen entries of a batch: return a code (and whether it is the sender's fault). */
export interface EntryFault {
  readonly failEntry: (
    entry: SendEntry,
    index: number,
  ) => { readonly code: string; readonly senderFault: boolean } | undefined;
}

/**
 * Fault injection: return an exception name to throw it instead of running `operation`
 * (`SendMessageBatch`, `ReceiveMessage`, `DeleteMessage`), or an {@link EntryFault} to fail some
 * entries of a `SendMessageBatch`.
 */
export type SqsFaultHook = (operation: string, queue: string) => string | EntryFault | undefined;

/** A message as the in-memory queue stores it. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5: string;
  readonly sentAt: number;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly attributes: MessageAttributes;
  receiveCount: number;
  firstReceiveAt: number | undefined;
  visibleAt: number;
  receiptHandle: string | undefined;
  deadLetterSourceArn: string | undefined;
}

/** Most entries per SendMessageBatch / messages per ReceiveMessage. */
export const MAX_ENTRIES = 10;
/** Most bytes per SendMessageBatch. */
export const MAX_BATCH_BYTES = 262_144;
/** How long a FIFO queue remembers a MessageDeduplicationId. */
export const DEDUP_WINDOW_MS = 5 * 60 * 1000;
/** Region and account of the in-memory queues' URLs and ARNs. */
export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const GROUP_ID = /^[!-~]{1,128}$/;

/**
 * Throws an SQS exception by name.
 * @example fail("QueueNameExists", "queue q exists")
 */
export const fail = (name: string, message: string): never => {
  throw new InMemoryServiceError(name, message);
};

/**
 * Checks a SendMessageBatch request as SQS does: 1–10 entries, valid and distinct entry ids,
 * bodies within 256 KiB together. Throws the exception SQS would.
 * @example checkBatch([{ id: "a", body: "{}" }, { id: "a", body: "{}" }]) // throws BatchEntryIdsNotDistinct
 */
export const checkBatch = (entries: ReadonlyArray<SendEntry>): void => {
  if (entries.length === 0) fail("EmptyBatchRequest", "There should be at least one entry");
  if (entries.length > MAX_ENTRIES)
    fail("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10");
  const ids = new Set<string>();
  let bytes = 0;
  for (const entry of entries) {
    if (!ENTRY_ID.test(entry.id)) fail("InvalidBatchEntryId", `invalid entry id ${entry.id}`);
    if (ids.has(entry.id)) fail("BatchEntryIdsNotDistinct", `Id ${entry.id} repeated`);
    ids.add(entry.id);
    bytes += Buffer.byteLength(entry.body, "utf8") + attributeBytes(entry.attributes ?? {});
  }
  if (bytes > MAX_BATCH_BYTES)
    fail("BatchRequestTooLong", `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes`);
};

/**
 * Most message attributes per message.
 * @example Object.keys(entry.attributes ?? {}).length <= MAX_MESSAGE_ATTRIBUTES
 */
export const MAX_MESSAGE_ATTRIBUTES = 10;

/** What message attributes add to a message's size: each name, data type and value. */
const attributeBytes = (attributes: MessageAttributes): number =>
  Object.entries(attributes).reduce(
    (n, [name, a]) =>
      n +
      Buffer.byteLength(name) +
      Buffer.byteLength(a.dataType) +
      Buffer.byteLength(a.stringValue ?? "") +
      Buffer.from(a.binaryValue ?? "", "base64").length,
    0,
  );

/**
 * Why SQS would refuse one entry (the caller's fault), or `undefined`: at most 10 message
 * attributes; FIFO entries need a valid MessageGroupId and a MessageDeduplicationId (unless
 * content-based deduplication is on); standard queues take no MessageDeduplicationId.
 * @example entryRefusal({ id: "0", body: "{}" }, { fifo: true, contentDedup: false })?.code // "MissingParameter"
 */
export const entryRefusal = (
  entry: SendEntry,
  queue: { readonly fifo: boolean; readonly contentDedup: boolean },
): Omit<FailedEntry, "id"> | undefined => {
  const refuse = (code: string, message: string) => ({ code, message, senderFault: true });
  const attributes = Object.keys(entry.attributes ?? {}).length;
  if (attributes > MAX_MESSAGE_ATTRIBUTES)
    return refuse(
      "InvalidParameterValue",
      `Number of message attributes [${attributes}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  if (!queue.fifo)
    return entry.deduplicationId === undefined
      ? undefined
      : refuse("InvalidParameterValue", "MessageDeduplicationId is only valid for FIFO queues");
  if (entry.groupId === undefined)
    return refuse("MissingParameter", "The request must contain the parameter MessageGroupId.");
  if (!GROUP_ID.test(entry.groupId))
    return refuse("InvalidParameterValue", "MessageGroupId: 1-128 printable ASCII characters");
  if (entry.deduplicationId === undefined && !queue.contentDedup)
    return refuse(
      "InvalidParameterValue",
      "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    );
  if (entry.deduplicationId !== undefined && !GROUP_ID.test(entry.deduplicationId))
    return refuse("InvalidParameterValue", "MessageDeduplicationId: 1-128 printable ASCII");
  return undefined;
};

const lambdaAttributes = (attributes: MessageAttributes): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, a]) => [
      name,
      {
        dataType: a.dataType,
        ...(a.stringValue === undefined ? {} : { stringValue: a.stringValue }),
        ...(a.binaryValue === undefined ? {} : { binaryValue: a.binaryValue }),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );

/**
 * A stored message as Lambda delivers it in an SQS event (message attributes as Lambda gives
 * them: binary values in base64).
 * @example toSqsRecord(message, "rh-1", "arn:aws:sqs:us-east-1:000000000000:replica")
 */
export const toSqsRecord = (
  message: StoredMessage,
  receiptHandle: string,
  queueArn: string,
): SQSRecord => ({
  messageId: message.messageId,
  receiptHandle,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: ACCOUNT,
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt ?? message.sentAt),
    ...(message.sequenceNumber === undefined ? {} : { SequenceNumber: message.sequenceNumber }),
    ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
    ...(message.deduplicationId === undefined
      ? {}
      : { MessageDeduplicationId: message.deduplicationId }),
    ...(message.deadLetterSourceArn === undefined
      ? {}
      : { DeadLetterQueueSourceArn: message.deadLetterSourceArn }),
  },
  messageAttributes: lambdaAttributes(message.attributes),
  md5OfBody: message.md5,
  eventSource: "aws:sqs",
  eventSourceARN: queueArn,
  awsRegion: REGION,
});
