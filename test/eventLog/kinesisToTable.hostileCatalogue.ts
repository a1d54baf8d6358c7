import type { KinesisStreamRecord } from "aws-lambda";
import type { AttributeValue } from "../../domain/attributeValue.js";
import { normalizeNumber } from "../../domain/decimal.js";
import type { DataFormat } from "../../domain/eventPayload.js";
import {
  DIGITS_38,
  DIGITS_39,
  type ExpectedRejection,
  fromJson,
  LARGEST_NUMBER,
  nestedArraysJson,
  nestedObjectsJson,
  POLLUTING_JSON,
} from "../support/hostile.js";
import { base64 } from "../support/kinesis.js";

/**
 * Hostile Kinesis records for kinesisToTable (seed 003: one EventLogs item per event, `data` =
 * the payload: its JSON value, else its exact text, else its exact bytes, with `dataFormat`
 * saying which). Each record is delivered between two good ones and must either be rejected
 * (eventID + field) while the good ones are stored, or be stored with exactly the expected
 * `data` and `dataFormat`. JSON has no binary or set types: JSON payloads give S, N, BOOL, NULL,
 * L and M only (a payload shaped like DynamoDB JSON stays plain data).
 */

/** The hostile record's shard, sequence number and eventID. */
export const HOSTILE_SEQUENCE = "49500000000000000000000000000000000000000000000000000777";
export const HOSTILE_EVENT_ID = `shardId-000000000000:${HOSTILE_SEQUENCE}`;

/** One catalogue entry. */
export interface KinesisCase {
  readonly name: string;
  readonly record: unknown;
  readonly expect:
    | { readonly rejected: ExpectedRejection }
    /** The `data` attribute the stored item must hold, and its `dataFormat`. */
    | { readonly stored: AttributeValue; readonly dataFormat: DataFormat };
}

/** A Kinesis record as Lambda delivers it (eventID `shardId-000000000000:<HOSTILE_SEQUENCE>`). */
export const kinesisRecordOf = (
  data: string,
  overrides: { readonly sequence?: string; readonly partitionKey?: string } = {},
): KinesisStreamRecord => {
  const sequenceNumber = overrides.sequence ?? HOSTILE_SEQUENCE;
  return {
    awsRegion: "us-east-1",
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    eventSource: "aws:kinesis",
    eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/EventStream",
    eventVersion: "1.0",
    invokeIdentityArn: "arn:aws:iam::000000000000:role/lambda-role",
    kinesis: {
      approximateArrivalTimestamp: 1_700_000_000.123,
      data,
      kinesisSchemaVersion: "1.0",
      partitionKey: overrides.partitionKey ?? "1",
      sequenceNumber,
    },
  };
};

const valid = kinesisRecordOf(base64('{"ok":true}'));

/** The record with `kinesis` fields replaced (`undefined` removes one). */
const withKinesis = (fields: Readonly<Record<string, unknown>>): unknown => {
  const kinesis: Record<string, unknown> = { ...valid.kinesis, ...fields };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete kinesis[name];
  return { ...valid, kinesis };
};

const rejected = (
  name: string,
  record: unknown,
  field: string,
  reason?: string,
  recordId = HOSTILE_EVENT_ID,
): KinesisCase => ({
  name,
  record,
  expect: { rejected: { recordId, field, ...(reason === undefined ? {} : { reason }) } },
});

/** A payload (JSON text) that must be rejected. */
const badPayload = (name: string, text: string, field: string, reason?: string) =>
  rejected(name, kinesisRecordOf(base64(text)), field, reason);

/** A payload (JSON text) that must be stored as `data`. */
const stored = (
  name: string,
  text: string,
  data: AttributeValue,
  dataFormat: DataFormat = "json",
): KinesisCase => ({
  name,
  record: kinesisRecordOf(base64(text)),
  expect: { stored: data, dataFormat },
});

/** A UTF-8 payload that is not JSON DynamoDB can hold: stored as its exact text. */
const storedText = (name: string, text: string): KinesisCase =>
  stored(name, text, { S: text }, "text");

/** A payload of raw bytes, stored as given. */
const storedBytes = (
  name: string,
  bytes: Buffer,
  data: AttributeValue,
  dataFormat: DataFormat,
): KinesisCase => ({
  name,
  record: kinesisRecordOf(bytes.toString("base64")),
  expect: { stored: data, dataFormat },
});

/** `{ v: <number text> }` stored as `{ M: { v: { N } } }` (in DynamoDB's canonical form). */
const number = (text: string): KinesisCase =>
  stored(`number ${text.slice(0, 24)}`, `{"v":${text}}`, {
    M: { v: { N: normalizeNumber(text) } },
  });

const bySequence = `sequence ${HOSTILE_SEQUENCE}`;

/** Every kinesisToTable case. */
export const kinesisToTableCases: ReadonlyArray<KinesisCase> = [
  rejected("null record", null, "$", undefined, "#1"),
  rejected("string record", "record", "$", undefined, "#1"),
  rejected("missing eventID", { ...valid, eventID: undefined }, "eventID", undefined, bySequence),
  rejected("empty eventID", { ...valid, eventID: "" }, "eventID", "empty", bySequence),
  rejected("missing kinesis", { ...valid, kinesis: undefined }, "kinesis"),
  rejected("missing data", withKinesis({ data: undefined }), "kinesis.data"),
  rejected("data a number", withKinesis({ data: 7 }), "kinesis.data"),
  rejected(
    "missing sequenceNumber",
    withKinesis({ sequenceNumber: undefined }),
    "kinesis.sequenceNumber",
  ),
  rejected(
    "missing partitionKey",
    withKinesis({ partitionKey: undefined }),
    "kinesis.partitionKey",
  ),
  rejected(
    "arrival time a string",
    withKinesis({ approximateArrivalTimestamp: "2024-01-01" }),
    "kinesis.approximateArrivalTimestamp",
  ),
  rejected(
    "arrival time before the epoch",
    withKinesis({ approximateArrivalTimestamp: -5 }),
    "kinesis.approximateArrivalTimestamp",
  ),
  rejected("data not base64", kinesisRecordOf("!!!!"), "kinesis.data", "base64"),
  rejected(
    "data with a line break",
    kinesisRecordOf(`${base64('{"a":1}')}\n`),
    "kinesis.data",
    "base64",
  ),
  storedBytes(
    "binary payload that is not UTF-8",
    Buffer.from([0xff, 0xfe, 0x00, 0x80]),
    { B: "//4AgA==" },
    "binary",
  ),
  storedBytes(
    "binary payload that is UTF-8 but not JSON",
    Buffer.from([0x00, 0x01, 0x7f]),
    { S: "\u0000\u0001\u007f" },
    "text",
  ),
  storedBytes("empty payload", Buffer.alloc(0), { S: "" }, "text"),
  storedText("plain text", "temperature=22.5"),
  storedText("truncated JSON", '{"sensor":"t","value":[1,2'),
  storedText("trailing comma", '{"a":1,}'),
  storedText("two JSON documents", '{"a":1}{"b":2}'),
  storedText("NaN literal", '{"v":NaN}'),
  storedText("single quotes", "{'a':1}"),
  stored("JSON array", "[1,2]", { L: [{ N: "1" }, { N: "2" }] }),
  stored("JSON string", '"text"', { S: "text" }),
  stored("JSON null", "null", { NULL: true }),
  stored("JSON number", "22.5", { N: "22.5" }),
  // JSON DynamoDB cannot hold as a value is kept, as its exact text (nothing is lost).
  storedText("arrays nested 10,000 deep", `{"a":${nestedArraysJson(10_000)}}`),
  storedText("objects nested 10,000 deep", nestedObjectsJson(10_000)),
  storedText("number 1e400", '{"v":1e400}'),
  storedText("number -1e400", '{"v":[0,-1e400]}'),
  storedText("number 1E-400 (not silently 0)", '{"v":1E-400}'),
  storedText("39 significant digits", `{"v":${DIGITS_39}}`),
  storedText("number beyond range deep inside", '{"a":{"b.c":[{"d":1e127}]}}'),
  badPayload(
    "payload over 400 KB",
    JSON.stringify({ blob: "x".repeat(410_000) }),
    "kinesis.data",
    "409600",
  ),
  number("12345678901234567890"),
  number(DIGITS_38),
  number(LARGEST_NUMBER),
  number("-1E-130"),
  number("-0"),
  number("1.0"),
  number("9007199254740993"),
  number("0.1"),
  stored(
    "every JSON type",
    '{"s":"ñ😀","n":-2.5,"t":true,"f":false,"z":null,"l":[1,"a",[],{}],"m":{"k":{}}}',
    {
      M: {
        s: { S: "ñ😀" },
        n: { N: "-2.5" },
        t: { BOOL: true },
        f: { BOOL: false },
        z: { NULL: true },
        l: { L: [{ N: "1" }, { S: "a" }, { L: [] }, { M: {} }] },
        m: { M: { k: { M: {} } } },
      },
    },
  ),
  stored(
    "payload shaped like DynamoDB JSON stays plain data",
    '{"x":{"B":"AAE="},"y":{"SS":["a"]}}',
    {
      M: {
        x: { M: { B: { S: "AAE=" } } },
        y: { M: { SS: { L: [{ S: "a" }] } } },
      },
    },
  ),
  stored("escapes and control characters", '{"s":"\\u0000\\n\\t\\"\\\\\\/\\u00e9"}', {
    M: { s: { S: '\u0000\n\t"\\/é' } },
  }),
  stored("byte order mark before the JSON", '\uFEFF{"a":1}', { M: { a: { N: "1" } } }),
  stored("whitespace around the JSON", ' \r\n\t{ "a" : [ 1 , 2 ] } \n', {
    M: { a: { L: [{ N: "1" }, { N: "2" }] } },
  }),
  stored("duplicate keys: the last wins", '{"a":1,"a":2}', { M: { a: { N: "2" } } }),
  stored("empty object", "{}", { M: {} }),
  stored("keys with dots, #, :, unicode and emoji", '{"a.b":1,"#c":2,":d":3,"ñ":4,"😀":5}', {
    M: { "a.b": { N: "1" }, "#c": { N: "2" }, ":d": { N: "3" }, ñ: { N: "4" }, "😀": { N: "5" } },
  }),
  stored("__proto__, constructor and prototype keys", POLLUTING_JSON, {
    M: fromJson(
      '{"__proto__":{"M":{"polluted":{"S":"yes"}}},"constructor":{"M":{"prototype":{"M":{"polluted":{"S":"yes"}}}}},' +
        '"prototype":{"M":{"polluted":{"S":"yes"}}}}',
    ),
  }),
  stored(
    "objects nested 32 deep (DynamoDB's limit)",
    nestedObjectsJson(32),
    fromJson<AttributeValue>(`{"M":{"a":${'{"M":{"a":'.repeat(31)}{"N":"1"}${"}}".repeat(31)}}}`),
  ),
  {
    name: "partition key of 256 unicode characters",
    record: kinesisRecordOf(base64("{}"), { partitionKey: "ñ".repeat(256) }),
    expect: { stored: { M: {} }, dataFormat: "json" },
  },
];
