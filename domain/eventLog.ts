import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type AttributeMap, itemSize, type KeySchema, MAX_ITEM_BYTES } from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { base64Bytes, decodePayload } from "./eventPayload.js";
import { isoTime } from "./isoTime.js";
import { type Deaggregate, type KplUserRecord, notAggregated } from "./kplUserRecord.js";
import type { PutCommand } from "./writeCommand.js";

/**
 * The envelope of a Kinesis record as Lambda delivers it (`KinesisStreamRecord`), decoded
 * shallowly: only the fields the event log uses are checked.
 */
const Envelope = t.type({
  eventID: t.string,
  kinesis: t.type({
    data: t.string,
    sequenceNumber: t.string,
    partitionKey: t.string,
    approximateArrivalTimestamp: t.number,
  }),
});

/** The key schema of the event-log table (`EventLogs`): partition key `eventId` (S). */
export const EVENT_LOG_KEY_SCHEMA: KeySchema = { partitionKey: "eventId" };

/**
 * One event of the log: the item to write and what identifies it in the stream.
 * @example const entry: EventLogEntry = { eventId: "shardId-0:49…", sequenceNumber: "49…", partitionKey: "1", item };
 */
export interface EventLogEntry {
  /**
   * The item key, stable across redeliveries: the record's eventID (`shardId:sequenceNumber`),
   * or `shardId:sequenceNumber:subSequenceNumber` for a user record of a KPL aggregate.
   */
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /**
   * `{ eventId, timestamp, data, dataFormat, partitionKey, sequenceNumber }` in DynamoDB JSON,
   * plus `subSequenceNumber` (and `explicitHashKey` when the producer set one) for a user record.
   */
  readonly item: AttributeMap;
}

/**
 * The events of one Kinesis record, in order: one, or one per user record of a KPL aggregate;
 * a `left` is an event that cannot be stored (an item over DynamoDB's 400 KB).
 * @example const events: EventLogEntries = [E.right(entry)];
 */
export type EventLogEntries = ReadonlyArray<E.Either<InvalidRecord, EventLogEntry>>;

/**
 * What identifies a raw Kinesis record, as far as it can be read (for reject reports).
 * @example kinesisRecordIdentity(event.Records[0]) // { eventID: "shardId-000000000000:4959…", sequenceNumber: "4959…", partitionKey: "1" }
 */
export const kinesisRecordIdentity = (raw: unknown): Readonly<Record<string, string>> => {
  const identity: Record<string, string> = {};
  if (typeof raw !== "object" || raw === null) return identity;
  const r = raw as {
    eventID?: unknown;
    kinesis?: { sequenceNumber?: unknown; partitionKey?: unknown };
  };
  if (typeof r.eventID === "string") identity.eventID = r.eventID;
  if (typeof r.kinesis?.sequenceNumber === "string")
    identity.sequenceNumber = r.kinesis.sequenceNumber;
  if (typeof r.kinesis?.partitionKey === "string") identity.partitionKey = r.kinesis.partitionKey;
  return identity;
};

const recordName = (raw: unknown, index: number): string => {
  const identity = kinesisRecordIdentity(raw);
  if (identity.eventID !== undefined && identity.eventID !== "") return identity.eventID;
  if (identity.sequenceNumber !== undefined) return `sequence ${identity.sequenceNumber}`;
  return `#${index}`;
};

const fieldOf = (errors: t.Errors): string => {
  const path = errors[0]?.context.map((entry) => entry.key).filter((key) => key !== "");
  return path && path.length > 0 ? path.join(".") : "$";
};

/** What every event of a record shares. */
interface RecordContext {
  readonly eventID: string;
  readonly sequenceNumber: string;
  readonly timestamp: string;
}

/** One event's item, or its reject when DynamoDB cannot hold it. */
const entryOf = (
  record: RecordContext,
  data: string,
  partitionKey: string,
  user?: KplUserRecord,
): E.Either<InvalidRecord, EventLogEntry> => {
  const eventId =
    user === undefined ? record.eventID : `${record.eventID}:${user.subSequenceNumber}`;
  const payload = decodePayload(eventId, data);
  if (E.isLeft(payload)) return payload;
  const item: AttributeMap = {
    eventId: { S: eventId },
    timestamp: { S: record.timestamp },
    data: payload.right.data,
    dataFormat: { S: payload.right.dataFormat },
    partitionKey: { S: partitionKey },
    sequenceNumber: { S: record.sequenceNumber },
    ...(user === undefined ? {} : { subSequenceNumber: { N: String(user.subSequenceNumber) } }),
    ...(user?.explicitHashKey === undefined
      ? {}
      : { explicitHashKey: { S: user.explicitHashKey } }),
  };
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES)
    return E.left(
      invalidRecord(
        eventId,
        "kinesis.data",
        `the item would be ${size} bytes; DynamoDB's limit is ${MAX_ITEM_BYTES}`,
      ),
    );
  return E.right({ eventId, sequenceNumber: record.sequenceNumber, partitionKey, item });
};

/**
 * Decodes one raw Kinesis record (Lambda's `KinesisStreamRecord`) into its events. A KPL
 * aggregate (recognised by `deaggregate`, see domain/kplUserRecord.ts) gives one event per user
 * record, keyed `eventID:subSequenceNumber` with the user record's own partition key (and
 * explicit hash key); any other record gives one event keyed by its eventID
 * (`shardId:sequenceNumber`). Keys depend only on the record, so a redelivered record overwrites
 * its items instead of adding some. `timestamp` = the arrival time in ISO 8601 with milliseconds
 * (never the clock of the consumer), `data`/`dataFormat` = the payload as JSON, text or binary
 * (domain/eventPayload.ts). The left is a record that cannot be read (envelope fields missing,
 * `data` not base64, a bad arrival time), an {@link InvalidRecord} naming the eventID and field.
 * @example decodeEventLog(event.Records[0], 0) // right([right({ eventId: "shardId-000000000000:4959…", item: {…}, … })])
 */
export const decodeEventLog = (
  raw: unknown,
  index: number,
  deaggregate: Deaggregate = notAggregated,
): E.Either<InvalidRecord, EventLogEntries> => {
  const decoded = Envelope.decode(raw);
  if (E.isLeft(decoded))
    return E.left(
      invalidRecord(recordName(raw, index), fieldOf(decoded.left), "missing or of the wrong type"),
    );
  const { eventID, kinesis } = decoded.right;
  if (eventID === "") return E.left(invalidRecord(recordName(raw, index), "eventID", "is empty"));
  const timestamp =
    kinesis.approximateArrivalTimestamp >= 0
      ? isoTime(Math.round(kinesis.approximateArrivalTimestamp * 1000))
      : undefined;
  if (timestamp === undefined)
    return E.left(
      invalidRecord(
        eventID,
        "kinesis.approximateArrivalTimestamp",
        `not an instant in seconds since the epoch: ${kinesis.approximateArrivalTimestamp}`,
      ),
    );
  if (base64Bytes(kinesis.data) === undefined)
    return E.left(invalidRecord(eventID, "kinesis.data", "not valid base64"));
  const record = { eventID, sequenceNumber: kinesis.sequenceNumber, timestamp };
  const users = deaggregate(kinesis.data);
  if (users !== undefined && users.length > 0)
    return E.right(users.map((user) => entryOf(record, user.data, user.partitionKey, user)));
  return E.right([entryOf(record, kinesis.data, kinesis.partitionKey)]);
};

/**
 * The put that stores an event-log entry (source = the eventID, seq = the sequence number).
 * @example eventLogCommand(entry) // { op: "put", key: { eventId: { S: entry.eventId } }, item: entry.item, … }
 */
export const eventLogCommand = (entry: EventLogEntry): PutCommand => ({
  op: "put",
  key: { eventId: { S: entry.eventId } },
  item: entry.item,
  source: entry.eventId,
  seq: entry.sequenceNumber,
});
