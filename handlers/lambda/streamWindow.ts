import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { StreamWindowFields } from "../../domain/streamWindowFields.js";
import type { StreamRecordRef } from "../../ports/streamShards.js";

/**
 * A DynamoDB stream event, with the tumbling-window fields when the mapping has a window.
 * @example const event: DynamoDbStreamWindowEvent = { Records: [], shardId: "shardId-0001", state: {} };
 */
export type DynamoDbStreamWindowEvent = DynamoDBStreamEvent & StreamWindowFields;

/**
 * The answer to a stream event: the partial batch response and, in a tumbling-window
 * invocation, a `state` object (TimeWindowEventResponse), which Lambda requires: a response
 * without one is treated as a failed invocation.
 * @example const response: StreamWindowResponse = { batchItemFailures: [], state: {} };
 */
export type StreamWindowResponse = DynamoDBBatchResponse & {
  readonly state?: Record<string, unknown>;
};

/**
 * The shard of a tumbling-window invocation, undefined for an ordinary stream event.
 * @example windowShardOf({ Records: [], shardId: "shardId-0001" }) // "shardId-0001"
 */
export const windowShardOf = (event: DynamoDbStreamWindowEvent): string | undefined => {
  const shardId = windowFieldsOf(event).shardId;
  return typeof shardId === "string" && shardId.length > 0 ? shardId : undefined;
};

/** The window fields of whatever came as the event (nothing when it is not an object). */
const windowFieldsOf = (event: unknown): StreamWindowFields =>
  typeof event === "object" && event !== null ? (event as StreamWindowFields) : {};

/**
 * The response with the window's state when the event is a tumbling-window invocation: the
 * state received, passed on unchanged (the totals live in the table, not in the state), `{}`
 * when none came; the response as it is otherwise.
 * @example withWindowState(event, { batchItemFailures: [] }) // { batchItemFailures: [], state: {} }
 */
export const withWindowState = (
  event: DynamoDbStreamWindowEvent,
  response: DynamoDBBatchResponse,
): StreamWindowResponse => {
  const { shardId, window, state } = windowFieldsOf(event);
  if (shardId === undefined && window === undefined) return response;
  return { ...response, state: typeof state === "object" && state !== null ? state : {} };
};

/**
 * The first record of a DynamoDB stream batch that names its stream, event and sequence number,
 * as a shard lookup needs it; undefined when none does.
 * @example streamRecordRefOf(event.Records)?.streamArn // "arn:aws:dynamodb:…:table/orders/stream/…"
 */
export const streamRecordRefOf = (
  records: ReadonlyArray<DynamoDBRecord>,
): StreamRecordRef | undefined => {
  for (const record of records) {
    if (typeof record !== "object" || record === null) continue;
    const { eventSourceARN: streamArn, eventID: eventId } = record;
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (
      typeof streamArn === "string" &&
      typeof eventId === "string" &&
      typeof sequenceNumber === "string"
    )
      return { streamArn, eventId, sequenceNumber };
  }
  return undefined;
};
