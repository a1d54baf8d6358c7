import type { SQSRecord } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { type InvalidRecord, invalidRecord } from "../../domain/errors.js";
import { REPLAY_ATTRIBUTE } from "../../domain/redrivePlan.js";
import type { QueueMessage } from "../../ports/useCases/replicateMessages.js";

/**
 * Reads one delivered SQS record as a {@link QueueMessage} (`replayed` when it carries the mark a
 * redrive sets, `REPLAY_ATTRIBUTE`), or an {@link InvalidRecord} naming it (its messageId, else
 * its position `#i`) when it is not an SQS record with a messageId and a body.
 * @example decodeSqsRecord(event.Records[0], 0) // right({ messageId: "m-1", body: "…" })
 */
export const decodeSqsRecord = (
  record: unknown,
  index: number,
): E.Either<InvalidRecord, QueueMessage> => {
  if (typeof record !== "object" || record === null)
    return E.left(invalidRecord(`#${index}`, "$", "not an SQS record"));
  const { messageId, body, messageAttributes } = record as {
    messageId?: unknown;
    body?: unknown;
    messageAttributes?: unknown;
  };
  if (typeof messageId !== "string" || messageId === "")
    return E.left(invalidRecord(`#${index}`, "messageId", "missing or not a string"));
  if (typeof body !== "string")
    return E.left(invalidRecord(messageId, "body", "missing or not a string"));
  const replayed =
    typeof messageAttributes === "object" &&
    messageAttributes !== null &&
    Object.hasOwn(messageAttributes, REPLAY_ATTRIBUTE);
  return E.right({ messageId, body, ...(replayed ? { replayed } : {}) });
};

/**
 * What identifies an SQS message for an operator: its id, queue, receive count and FIFO group.
 * @example sqsRecordIdentity(event.Records[0]) // { messageId: "m-1", queue: "arn:…", receiveCount: "1" }
 */
export const sqsRecordIdentity = (record: SQSRecord): Readonly<Record<string, unknown>> => ({
  messageId: record.messageId,
  queue: record.eventSourceARN,
  receiveCount: record.attributes?.ApproximateReceiveCount,
  ...(record.attributes?.MessageGroupId === undefined
    ? {}
    : { messageGroupId: record.attributes.MessageGroupId }),
});
