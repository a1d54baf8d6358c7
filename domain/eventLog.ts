import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import {
  type AttributeMap,
  type AttributeValue,
  itemSize,
  type JsonValue,
  type KeySchema,
  MAX_ITEM_BYTES,
  marshalJson,
} from "./attributeValue.js";
import { isDynamoNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { isoTime } from "./isoTime.js";
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

/** One event of the log: the item to write and what identifies its record in the stream. */
export interface EventLogEntry {
  /** The record's eventID, `shardId:sequenceNumber`: the item key, stable across redeliveries. */
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** `{ eventId, timestamp, data, partitionKey, sequenceNumber }` in DynamoDB JSON. */
  readonly item: AttributeMap;
}

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
  if (identity.eventID !== undefined) return identity.eventID;
  if (identity.sequenceNumber !== undefined) return `sequence ${identity.sequenceNumber}`;
  return `#${index}`;
};

const fieldOf = (errors: t.Errors): string => {
  const path = errors[0]?.context.map((entry) => entry.key).filter((key) => key !== "");
  return path && path.length > 0 ? path.join(".") : "$";
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (padded, no whitespace) → bytes, or `undefined` when the text is not base64. */
const decodeBase64 = (text: string): Uint8Array | undefined => {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** The path of the first number DynamoDB cannot store (JSON `1e400` parses to Infinity). */
const firstBadNumber = (value: AttributeValue, path: string): string | undefined => {
  if ("N" in value) return isDynamoNumber(value.N) ? undefined : path;
  if ("L" in value) {
    for (const [i, v] of value.L.entries()) {
      const bad = firstBadNumber(v, `${path}[${i}]`);
      if (bad !== undefined) return bad;
    }
  }
  if ("M" in value) {
    for (const [name, v] of Object.entries(value.M)) {
      const bad = firstBadNumber(v, `${path}.${name}`);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
};

/**
 * Decodes the payload of a Kinesis record: base64 → UTF-8 (a leading BOM is dropped) → JSON
 * object → DynamoDB JSON (`M`). Errors name the step that failed, with field `kinesis.data`.
 * JSON numbers go through JavaScript numbers (`marshalJson`): more than 15–17 significant digits
 * are rounded, so producers should send such values (ids, amounts) as strings.
 * @example decodePayload("evt-1", "eyJhIjoxfQ==") // right({ M: { a: { N: "1" } } })
 */
export const decodePayload = (
  recordId: string,
  data: string,
): E.Either<InvalidRecord, AttributeValue> => {
  const bad = (reason: string, field = "kinesis.data") =>
    E.left(invalidRecord(recordId, field, reason));
  const bytes = decodeBase64(data);
  if (bytes === undefined) return bad("not valid base64");
  const text = decodeUtf8(bytes);
  if (text === undefined) return bad("not UTF-8");
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (error) {
    return bad(`not JSON (${(error as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return bad(
      `not a JSON object (got ${json === null ? "null" : Array.isArray(json) ? "an array" : typeof json})`,
    );
  const value = marshalJson(json);
  const badNumber = firstBadNumber(value, "kinesis.data");
  if (badNumber !== undefined)
    return bad("number out of DynamoDB's range (±1E-130 to ±1E+126)", badNumber);
  return E.right(value);
};

/**
 * Decodes one raw Kinesis record (Lambda's `KinesisStreamRecord`) into its event-log item:
 * `eventId` = the record's eventID (`shardId:sequenceNumber`, so a redelivered record overwrites
 * its item instead of adding one), `timestamp` = the arrival time in ISO 8601 with milliseconds
 * (never the clock of the consumer), `data` = the JSON payload, plus `partitionKey` and
 * `sequenceNumber`. Errors are {@link InvalidRecord}s naming the eventID and the field.
 * @example decodeEventLog(event.Records[0], 0) // right({ eventId: "shardId-000000000000:4959…", item: {…}, … })
 */
export const decodeEventLog = (
  raw: unknown,
  index: number,
): E.Either<InvalidRecord, EventLogEntry> => {
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
  const data = decodePayload(eventID, kinesis.data);
  if (E.isLeft(data)) return data;
  const item: AttributeMap = {
    eventId: { S: eventID },
    timestamp: { S: timestamp },
    data: data.right,
    partitionKey: { S: kinesis.partitionKey },
    sequenceNumber: { S: kinesis.sequenceNumber },
  };
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES)
    return E.left(
      invalidRecord(
        eventID,
        "kinesis.data",
        `the item would be ${size} bytes; DynamoDB's limit is ${MAX_ITEM_BYTES}`,
      ),
    );
  return E.right({
    eventId: eventID,
    sequenceNumber: kinesis.sequenceNumber,
    partitionKey: kinesis.partitionKey,
    item,
  });
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
