import type { AttributeMap } from "../../domain/attributeValue.js";
import { normalizeNumber } from "../../domain/decimal.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import {
  DIGITS_38,
  DIGITS_39,
  type ExpectedRejection,
  everyType,
  fromJson,
  LARGEST_NUMBER,
  nestedArraysJson,
  nestedListJson,
  nestedMapJson,
  nestedMapValue,
  nestedObjectsJson,
  tooDeepListPath,
  tooDeepMapPath,
} from "../support/hostile.js";

/**
 * Hostile SQS messages for queueToTable. The replica table is keyed `pk` (S) + `sk` (N); each
 * case's message is delivered between two good messages, and must either be rejected (message id
 * + field) while the good ones are written, or leave exactly the expected item(s).
 */

/** The message id every hostile message is delivered with. */
export const HOSTILE_ID = "m-hostile";

/** What a hostile message must do. */
export type QueueExpectation =
  /** Rejections, and the items the message's valid commands still store (a bad command is rejected alone). */
  | {
      readonly rejected: ReadonlyArray<ExpectedRejection>;
      readonly alsoStored?: ReadonlyArray<AttributeMap>;
    }
  /** Items of the replica with the case's key(s), as they must be stored. */
  | { readonly stored: ReadonlyArray<AttributeMap> }
  /** Keys that must be absent afterwards (a delete; the harness writes them first). */
  | { readonly absent: ReadonlyArray<AttributeMap> };

/** One catalogue entry: a message body and what it must do. */
export interface QueueCase {
  readonly name: string;
  readonly body: string;
  readonly expect: QueueExpectation;
}

const key = (pk: string, sk = "1"): AttributeMap => ({ pk: { S: pk }, sk: { N: sk } });

/** A `v: 1` envelope putting `item` under its own key (`source` = "src"). */
const put = (item: AttributeMap): string => {
  const k: AttributeMap = { pk: item.pk ?? { S: "?" }, sk: item.sk ?? { N: "1" } };
  return encodeMessageBody([{ op: "put", key: k, item, source: "src", seq: "1" }]);
};

/** The same, the item written as text with extra members (for nesting JSON.stringify refuses). */
const putText = (pk: string, members: string): string => {
  const k = JSON.stringify(key(pk));
  return `{"v":1,"commands":[{"op":"put","key":${k},"item":{${k.slice(1, -1)},${members}},"source":"src"}]}`;
};

/** A put of `pk` = name with one extra attribute, and the item it must store. */
const attribute = (pk: string, value: unknown) => ({
  item: { ...key(pk), value } as AttributeMap,
  body: put({ ...key(pk), value } as AttributeMap),
});

const reject = (field: string, reason?: string): QueueExpectation => ({
  rejected: [{ recordId: HOSTILE_ID, field, ...(reason === undefined ? {} : { reason }) }],
});

const storedAs = (name: string, value: unknown, storedValue: unknown = value): QueueCase => ({
  name,
  body: attribute(name, value).body,
  expect: { stored: [{ ...key(name), value: storedValue } as AttributeMap] },
});

const badValue = (name: string, value: unknown, field = "commands[0].item.value"): QueueCase => ({
  name,
  body: attribute(name, value).body,
  expect: reject(field),
});

const valid = put(key("valid"));

/** Malformed bodies: not JSON, JSON of the wrong shape, truncated, huge, deeply nested. */
const malformed: ReadonlyArray<QueueCase> = [
  { name: "plain text", body: "hello", expect: reject("$", "not JSON") },
  { name: "empty body", body: "", expect: reject("$", "not JSON") },
  { name: "whitespace only", body: " \n\t", expect: reject("$", "not JSON") },
  { name: "truncated envelope", body: valid.slice(0, -7), expect: reject("$", "not JSON") },
  { name: "byte order mark before JSON", body: `\uFEFF${valid}`, expect: reject("$") },
  { name: "JSON array", body: "[1,2]", expect: reject("$", "expected a JSON object") },
  { name: "JSON string", body: '"put"', expect: reject("$", "expected a JSON object") },
  { name: "JSON null", body: "null", expect: reject("$", "expected a JSON object") },
  { name: "JSON number", body: "42", expect: reject("$", "expected a JSON object") },
  { name: "envelope without commands", body: '{"v":1}', expect: reject("commands") },
  { name: "commands not an array", body: '{"v":1,"commands":{}}', expect: reject("commands") },
  { name: "unknown format version", body: '{"v":2,"commands":[]}', expect: reject("v") },
  { name: "null command", body: '{"v":1,"commands":[null]}', expect: reject("commands[0].op") },
  {
    name: "unknown op",
    body: '{"v":1,"commands":[{"op":"upsert"}]}',
    expect: reject("commands[0].op"),
  },
  {
    name: "put without item",
    body: JSON.stringify({ v: 1, commands: [{ op: "put", key: key("a"), source: "s" }] }),
    expect: reject("commands[0].item"),
  },
  {
    name: "delete without key",
    body: JSON.stringify({ v: 1, commands: [{ op: "delete", source: "s" }] }),
    expect: reject("commands[0].key"),
  },
  {
    name: "source of the wrong type",
    body: JSON.stringify({ v: 1, commands: [{ op: "delete", key: key("a"), source: 7 }] }),
    expect: reject("commands[0].source"),
  },
  {
    name: "sequence number not decimal",
    body: JSON.stringify({
      v: 1,
      commands: [{ op: "delete", key: key("a"), source: "s", seq: "1e3" }],
    }),
    expect: reject("commands[0].seq"),
  },
  {
    name: "key that does not match the item",
    body: JSON.stringify({
      v: 1,
      commands: [{ op: "put", key: key("a"), item: key("b"), source: "s" }],
    }),
    expect: reject("commands[0].key", "does not match"),
  },
  {
    name: "key with an extra attribute",
    body: JSON.stringify({
      v: 1,
      commands: [{ op: "delete", key: { ...key("a"), x: { S: "1" } }, source: "s" }],
    }),
    expect: reject("commands[0].key.x"),
  },
  {
    name: "key without its sort key",
    body: JSON.stringify({
      v: 1,
      commands: [{ op: "delete", key: { pk: { S: "a" } }, source: "s" }],
    }),
    expect: reject("commands[0].key.sk", "missing"),
  },
  {
    name: "key attribute of type BOOL",
    body: JSON.stringify({ pk: { BOOL: true }, sk: { N: "1" } }),
    expect: reject("pk", "S, N or B"),
  },
  {
    name: "empty string key",
    body: JSON.stringify({ pk: { S: "" }, sk: { N: "1" } }),
    expect: reject("pk", "must not be empty"),
  },
  {
    name: "partition key over DynamoDB's 2048 bytes",
    body: JSON.stringify({ pk: { S: "k".repeat(2049) }, sk: { N: "1" } }),
    expect: reject("pk", "2048"),
  },
  {
    name: "sort key over DynamoDB's 1024 bytes",
    body: JSON.stringify({ pk: { S: "long-sk" }, sk: { S: "ñ".repeat(513) } }),
    expect: reject("sk", "1024"),
  },
  {
    name: "sort key of another type than the table's (refused by the table)",
    body: JSON.stringify({ pk: { S: "typed" }, sk: { S: "text" } }),
    expect: reject("$", "Type mismatch"),
  },
  {
    name: "command refused by the table names the command's source",
    body: JSON.stringify({
      v: 1,
      commands: [
        {
          op: "put",
          key: { pk: { S: "t" }, sk: { S: "x" } },
          item: { pk: { S: "t" }, sk: { S: "x" } },
          source: "stream-evt-9",
        },
      ],
    }),
    expect: { rejected: [{ recordId: "stream-evt-9", field: "$", reason: "Type mismatch" }] },
  },
  {
    name: "arrays nested 10,000 deep as the body",
    body: nestedArraysJson(10_000),
    expect: reject("$", "expected a JSON object"),
  },
  {
    name: "objects nested 10,000 deep as a command",
    body: `{"v":1,"commands":[${nestedObjectsJson(10_000)}]}`,
    expect: reject("commands[0].op"),
  },
  {
    name: "maps nested 10,000 deep in an item",
    body: putText("deep-m", `"deep":${nestedMapJson(10_000)}`),
    expect: reject(`commands[0].item.${tooDeepMapPath("deep")}`, "32"),
  },
  {
    name: "lists nested 10,000 deep in an item",
    body: putText("deep-l", `"deep":${nestedListJson(10_000)}`),
    expect: reject(`commands[0].item.${tooDeepListPath("deep")}`, "32"),
  },
  {
    name: "maps nested 32 deep (DynamoDB's limit) are stored",
    body: put({ ...key("deep-32"), deep: nestedMapValue(31) }),
    expect: { stored: [{ ...key("deep-32"), deep: nestedMapValue(31) }] },
  },
  {
    name: "item over 400 KB",
    body: put({ ...key("huge"), blob: { S: "x".repeat(410_000) } }),
    expect: reject("commands[0].item", "409600"),
  },
  {
    name: "1 MB body holding an item just under 400 KB",
    body: put({ ...key("big"), blob: { S: "é".repeat(204_000) } }),
    expect: { stored: [{ ...key("big"), blob: { S: "é".repeat(204_000) } }] },
  },
];

/** Attribute values of the wrong type, or that DynamoDB refuses. */
const wrongTypes: ReadonlyArray<QueueCase> = [
  badValue("S holding a number", { S: 5 }),
  badValue("N holding a JSON number", { N: 5 }),
  badValue("BOOL holding a string", { BOOL: "true" }),
  badValue("NULL false", { NULL: false }),
  badValue("empty string set", { SS: [] }),
  badValue("duplicate in a string set", { SS: ["a", "a"] }, "commands[0].item.value[1]"),
  badValue("numerically equal numbers in a set", { NS: ["1", "1.0"] }, "commands[0].item.value[1]"),
  badValue("set holding a number", { SS: [1] }, "commands[0].item.value[0]"),
  badValue("L holding an object", { L: {} }),
  badValue("M holding an array", { M: [] }),
  badValue("two type tags", { S: "a", N: "1" }),
  badValue("unknown type tag", { X: "1" }),
  badValue("no type tag", {}),
  badValue("null instead of a value", null),
  badValue("bare string instead of a value", "text"),
  badValue(
    "bad value deep in a list",
    { L: [{ S: "ok" }, { M: { x: { N: "x" } } }] },
    "commands[0].item.value[1].x",
  ),
  badValue("invalid base64", { B: "not base64!" }),
  badValue("unpadded base64", { B: "AAE" }),
  badValue("base64 with whitespace", { B: "AA E=" }),
  badValue("URL-safe base64", { B: "-_8=" }),
  badValue("invalid base64 in a binary set", { BS: ["AA==", "%%%%"] }, "commands[0].item.value[1]"),
  {
    name: "empty attribute name",
    body: put(fromJson<AttributeMap>('{"pk":{"S":"empty-name"},"sk":{"N":"1"},"":{"S":"x"}}')),
    expect: reject('commands[0].item[""]'),
  },
];

/** Numbers: every digit kept, or refused past DynamoDB's 38 digits and range. */
const numbers: ReadonlyArray<QueueCase> = [
  storedAs("38 significant digits", { N: DIGITS_38 }),
  storedAs("20-digit integer", { N: "12345678901234567890" }),
  storedAs("largest number", { N: LARGEST_NUMBER }, { N: normalizeNumber(LARGEST_NUMBER) }),
  storedAs("smallest positive number", { N: "1E-130" }, { N: normalizeNumber("1E-130") }),
  storedAs("trailing zeros are normalized", { N: "0012.500" }, { N: "12.5" }),
  storedAs("negative zero", { N: "-0" }, { N: "0" }),
  storedAs("number set beyond doubles", { NS: ["9007199254740993", "0.1"] }),
  badValue("39 significant digits", { N: DIGITS_39 }),
  badValue("beyond 1E+126", { N: "1E+126" }),
  badValue("below 1E-130", { N: "1E-131" }),
  badValue("1e400", { N: "1e400" }),
  badValue("Infinity", { N: "Infinity" }),
  badValue("NaN", { N: "NaN" }),
  badValue("hexadecimal", { N: "0x10" }),
  badValue("underscores", { N: "1_000" }),
  badValue("leading space", { N: " 1" }),
  badValue("empty number", { N: "" }),
  {
    name: "number key with 38 digits keeps them",
    body: put(key("n-key", "12345678901234567890123456789012345678")),
    expect: { stored: [key("n-key", "12345678901234567890123456789012345678")] },
  },
];

/** Every attribute type, and unusual key values and attribute names. */
const itemShapes: ReadonlyArray<QueueCase> = [
  {
    name: "every DynamoDB type round-trips",
    body: put({ ...key("every-type"), ...everyType() }),
    expect: { stored: [{ ...key("every-type"), ...everyType() }] },
  },
  storedAs("empty binary", { B: "" }),
  storedAs("empty string", { S: "" }),
  ...[
    "ñandú",
    "😀🔥",
    "__proto__",
    "constructor",
    "prototype",
    "a.b#c:d",
    " ",
    "k".repeat(2048),
  ].map(
    (pk): QueueCase => ({
      name: `key value ${JSON.stringify(pk.slice(0, 20))}${pk.length > 20 ? "…" : ""}`,
      body: put({ ...key(pk), v: { S: pk } }),
      expect: { stored: [{ ...key(pk), v: { S: pk } }] },
    }),
  ),
  ...[
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "ñandú",
    "😀",
    "a.b",
    "#x",
    ":v",
    "a".repeat(60_000),
  ].map((name): QueueCase => {
    const item = fromJson<AttributeMap>(
      `{"pk":{"S":"name-${name.slice(0, 20)}"},"sk":{"N":"1"},${JSON.stringify(name)}:{"S":"x"}}`,
    );
    return {
      name: `attribute named ${JSON.stringify(name.slice(0, 20))}${name.length > 20 ? "…" : ""}`,
      body: put(item),
      expect: { stored: [item] },
    };
  }),
  {
    name: "duplicate JSON key: the last value wins, as DynamoDB JSON parsers do",
    body: '{"pk":{"S":"dup"},"sk":{"N":"1"},"x":{"S":"first"},"x":{"S":"last"}}',
    expect: { stored: [{ ...key("dup"), x: { S: "last" } }] },
  },
  {
    name: "__proto__ that is not an attribute value",
    body: `{"pk":{"S":"p"},"sk":{"N":"1"},"__proto__":{"polluted":"yes"}}`,
    expect: reject("__proto__"),
  },
  {
    name: "constructor.prototype that is not an attribute value",
    body: `{"pk":{"S":"c"},"sk":{"N":"1"},"constructor":{"prototype":{"polluted":"yes"}}}`,
    expect: reject("constructor"),
  },
  {
    name: "envelope with a __proto__ member",
    body: `{"v":1,"__proto__":{"polluted":"yes"},"commands":${JSON.stringify([
      { op: "put", key: key("env-proto"), item: key("env-proto"), source: "s" },
    ])}}`,
    expect: { stored: [key("env-proto")] },
  },
  {
    name: "seed format: bare DynamoDB JSON image",
    body: JSON.stringify({ ...key("bare"), x: { N: "1" } }),
    expect: { stored: [{ ...key("bare"), x: { N: "1" } }] },
  },
  {
    name: "delete of an unusual key",
    body: encodeMessageBody([{ op: "delete", key: key("🗑️ __proto__"), source: "s", seq: "2" }]),
    expect: { absent: [key("🗑️ __proto__")] },
  },
  {
    name: "several commands, one invalid: only the invalid command is rejected",
    body: JSON.stringify({
      v: 1,
      commands: [
        { op: "put", key: key("multi"), item: key("multi"), source: "s" },
        { op: "put", key: key("multi2"), item: { ...key("multi2"), x: { N: "x" } }, source: "s" },
      ],
    }),
    expect: { ...reject("commands[1].item.x"), alsoStored: [key("multi")] },
  },
];

/** Every queueToTable case. */
export const queueToTableCases: ReadonlyArray<QueueCase> = [
  ...malformed,
  ...wrongTypes,
  ...numbers,
  ...itemShapes,
];

/** SQS records that are themselves malformed (Lambda never sends them; a test event might). */
export const malformedSqsRecords: ReadonlyArray<{
  readonly name: string;
  readonly record: unknown;
  readonly expect: ExpectedRejection;
}> = [
  { name: "null record", record: null, expect: { recordId: "#1", field: "$" } },
  { name: "string record", record: "message", expect: { recordId: "#1", field: "$" } },
  {
    name: "record without messageId",
    record: { body: valid },
    expect: { recordId: "#1", field: "messageId" },
  },
  {
    name: "record without body",
    record: { messageId: HOSTILE_ID },
    expect: { recordId: HOSTILE_ID, field: "body" },
  },
  {
    name: "body of the wrong type",
    record: { messageId: HOSTILE_ID, body: { v: 1 } },
    expect: { recordId: HOSTILE_ID, field: "body" },
  },
];
