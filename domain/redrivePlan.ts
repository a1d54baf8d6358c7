import * as E from "fp-ts/lib/Either.js";
import { MESSAGE_FORMAT_VERSION } from "./messageBody.js";
import type { MessageAttribute, MessageAttributes } from "./outgoingMessage.js";
import { decodeRejectDocument, type RejectDocument } from "./rejectDocument.js";

/**
 * A message as read from the queue a redrive empties (a dead-letter queue or an SQS reject
 * destination).
 * @example const message: SourceMessage = { id: "m-1", body: "{not json", attributes: {} };
 */
export interface SourceMessage {
  /** The SQS messageId (SQS keeps it when it moves a message to a dead-letter queue). */
  readonly id: string;
  readonly body: string;
  readonly attributes: MessageAttributes;
  /** FIFO queues: the message's MessageGroupId. */
  readonly groupId?: string;
}

/**
 * What a redrive sends for one source entry. `replayOf` is the id of the record replayed: the
 * FIFO deduplication id is derived from it (a second redrive of the same record within SQS's
 * 5-minute window is dropped by a FIFO queue), and a run sends each record once.
 * @example const replay: Replay = { replayOf: "m-1", body: "{…}", attributes: {}, groupKey: "g" };
 */
export interface Replay {
  readonly replayOf: string;
  readonly body: string;
  readonly attributes: MessageAttributes;
  /** The message group a FIFO target gets (a key; hashed when it is not a valid group id). */
  readonly groupKey: string;
  /** The SQS queue the record came from (`arn:aws:sqs:…`), the target when none is given. */
  readonly queueArn?: string;
}

/**
 * The message attribute every message a redrive sends carries (String: the id of the record
 * replayed). It tells queueToTable the message may be older than what the table already holds:
 * without a version table nothing orders it, so queueToTable refuses it (docs/guarantees.md).
 * @example Object.hasOwn(record.messageAttributes, REPLAY_ATTRIBUTE) // true for a redriven message
 */
export const REPLAY_ATTRIBUTE = "dynamodb-pipelines-replay";

/**
 * A replay's attributes with the replay mark ({@link REPLAY_ATTRIBUTE}) added or renewed.
 * @example markedAsReplay({}, "m-1") // { "dynamodb-pipelines-replay": { dataType: "String", stringValue: "m-1" } }
 */
export const markedAsReplay = (
  attributes: MessageAttributes,
  replayOf: string,
): MessageAttributes => ({
  ...attributes,
  [REPLAY_ATTRIBUTE]: { dataType: "String", stringValue: replayOf },
});

/** Entry points whose records come from a DynamoDB stream or a Kinesis stream. */
const STREAM_ENTRY_POINTS = new Set([
  "streamToQueue",
  "streamToGlue",
  "streamAggregate",
  "kinesisToTable",
]);

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const attributesOf = (value: unknown): MessageAttributes => {
  if (!isObject(value)) return {};
  const out: Record<string, MessageAttribute> = {};
  for (const [name, attribute] of Object.entries(value)) {
    if (!isObject(attribute) || typeof attribute.dataType !== "string") continue;
    out[name] = {
      dataType: attribute.dataType,
      ...(typeof attribute.stringValue === "string" ? { stringValue: attribute.stringValue } : {}),
      ...(typeof attribute.binaryValue === "string" ? { binaryValue: attribute.binaryValue } : {}),
    };
  }
  return out;
};

/**
 * The replay of a raw message (a dead-letter queue's): its body and attributes as they are, its
 * group kept (or its own id as the group when it had none).
 * @example replayOfMessage({ id: "m-1", body: "x", attributes: {} }) // { replayOf: "m-1", body: "x", attributes: {}, groupKey: "m-1" }
 */
export const replayOfMessage = (message: SourceMessage): Replay => ({
  replayOf: message.id,
  body: message.body,
  attributes: message.attributes,
  groupKey: message.groupId ?? message.id,
});

const streamManualPath = (document: RejectDocument): string =>
  `a ${document.entryPoint === "kinesisToTable" ? "Kinesis" : "DynamoDB stream"} record cannot be written back into its stream: invoke ${document.entryPoint} with {"Records":[original]} after the fix (docs/rejects.md, Replaying)`;

/**
 * The replay of a reject document (docs/rejects.md), or why it cannot be replayed into a queue:
 * - queueToTable: the SQS message as delivered (`original`: body, message attributes, group),
 *   back to the queue its `eventSourceARN` names unless a target is given;
 * - csvToQueue, a command the queue refused (`original` is the command as sent): a message of
 *   that one command in the queue format (`{"v":1,"commands":[…]}`), grouped by the CSV object's
 *   key as csvToQueue groups it; a target must be given;
 * - csvToQueue, a row with a bad cell or an object it could not read: the row would be rejected
 *   again; it must be fixed and uploaded again;
 * - stream and Kinesis entry points: a record cannot go back into a stream.
 * @example replayOfDocument(document) // right({ replayOf: "m-1", body: "{…}", …, queueArn: "arn:aws:sqs:…:rows.fifo" })
 */
export const replayOfDocument = (document: RejectDocument): E.Either<string, Replay> => {
  const original = document.original;
  if (STREAM_ENTRY_POINTS.has(document.entryPoint)) return E.left(streamManualPath(document));
  if (document.entryPoint === "queueToTable") {
    if (!isObject(original) || typeof original.body !== "string")
      return E.left("the document holds no SQS message (the event was not an SQS event)");
    const arn = original.eventSourceARN;
    const systemAttributes = isObject(original.attributes) ? original.attributes : {};
    const id = typeof original.messageId === "string" ? original.messageId : document.recordId;
    const group = systemAttributes.MessageGroupId;
    return E.right({
      replayOf: id,
      body: original.body,
      attributes: attributesOf(original.messageAttributes),
      groupKey: typeof group === "string" && group !== "" ? group : id,
      ...(typeof arn === "string" && arn.startsWith("arn:aws:sqs:") ? { queueArn: arn } : {}),
    });
  }
  if (document.entryPoint === "csvToQueue") {
    if (isObject(original) && typeof original.op === "string") {
      const key = document.identity.key;
      return E.right({
        replayOf: document.recordId,
        body: JSON.stringify({ v: MESSAGE_FORMAT_VERSION, commands: [original] }),
        attributes: {},
        groupKey: typeof key === "string" ? key : document.recordId,
      });
    }
    return E.left(
      Array.isArray(original)
        ? "a CSV row with a bad cell would be rejected again: fix the row and upload the file again"
        : "an object csvToQueue could not read: fix it and upload it again",
    );
  }
  return E.left(`entry point ${document.entryPoint} is not one this version replays`);
};

/**
 * The replay of one message of a source queue: a reject document's replay when the body is one,
 * else the message itself (a dead-letter queue's raw message).
 * @example replayOfSourceMessage({ id: "m-1", body: "{not json", attributes: {} }) // right(replayOfMessage(…))
 */
export const replayOfSourceMessage = (message: SourceMessage): E.Either<string, Replay> => {
  const document = decodeRejectDocument(message.body);
  return E.isRight(document) ? replayOfDocument(document.right) : E.right(replayOfMessage(message));
};

/**
 * The queue name and account of an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`).
 * @example queueOfArn("arn:aws:sqs:us-east-1:123456789012:rows.fifo") // right({ region: "us-east-1", account: "123456789012", name: "rows.fifo" })
 */
export const queueOfArn = (
  arn: string,
): E.Either<
  string,
  { readonly region: string; readonly account: string; readonly name: string }
> => {
  const parts = arn.split(":");
  const [prefix, partition, service, region, account, name] = parts;
  if (
    parts.length !== 6 ||
    prefix !== "arn" ||
    partition === "" ||
    service !== "sqs" ||
    region === undefined ||
    account === undefined ||
    name === undefined ||
    name === ""
  )
    return E.left(`${arn} is not an SQS queue ARN`);
  return E.right({ region, account, name });
};
