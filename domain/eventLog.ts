import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { joinPath, MAX_NESTING_DEPTH, validateAttributeValue } from "./attributeValidation.js";
import {
  type AttributeMap,
  type AttributeValue,
  attributeType,
  itemSize,
  type KeySchema,
  MAX_ITEM_BYTES,
} from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { isoTime } from "./isoTime.js";
import { parseJsonAttribute } from "./jsonAttribute.js";
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
  if (identity.eventID !== undefined && identity.eventID !== "") return identity.eventID;
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

/** What a JSON value that is not an object is, by the attribute type it parsed to. */
const JSON_KINDS: Partial<Record<string, string>> = {
  NULL: "null",
  BOOL: "boolean",
  N: "number",
  S: "string",
  L: "an array",
};

/**
 * Decodes the payload of a Kinesis record: base64 → UTF-8 (a leading BOM is dropped) → JSON
 * object → DynamoDB JSON (`M`). Errors name the step that failed, with field `kinesis.data`
 * (`kinesis.data.a.b[1]` for a value inside it). JSON numbers keep every digit as written
 * (domain/jsonAttribute.ts); a number DynamoDB cannot store (over 38 digits, beyond ±1E+126 or
 * below 1E-130) and nesting deeper than DynamoDB's 32 levels are refused.
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
  const parsed = parseJsonAttribute(text, MAX_NESTING_DEPTH);
  if (E.isLeft(parsed))
    return parsed.left.path === ""
      ? bad(`not JSON (${parsed.left.reason})`)
      : bad(parsed.left.reason, joinPath("kinesis.data", parsed.left.path));
  const value = parsed.right;
  if (!("M" in value))
    return bad(`not a JSON object (got ${JSON_KINDS[attributeType(value) ?? ""] ?? "a value"})`);
  const problem = validateAttributeValue(value, "");
  if (problem !== undefined) return bad(problem.reason, joinPath("kinesis.data", problem.path));
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
