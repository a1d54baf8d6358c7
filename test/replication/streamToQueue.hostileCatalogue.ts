import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import {
  DIGITS_38,
  DIGITS_39,
  type ExpectedRejection,
  everyType,
  fromJson,
  nestedListValue,
  nestedMapValue,
  tooDeepListPath,
  tooDeepMapPath,
} from "../support/hostile.js";
import {
  envelopeDefects,
  HOSTILE_EVENT,
  missingNewImages,
  streamRecord,
  withDynamodb,
  withFields,
} from "../support/hostileStreamRecords.js";

/**
 * Hostile DynamoDB stream records for streamToQueue, end to end: each record is delivered
 * between two good ones, the messages are drained into a replica (`pk` S, `sk` N) by
 * queueToTable, and the record must either be rejected by streamToQueue (eventID + field, the
 * rest replicated) or leave exactly the expected replica item.
 */

/** What a hostile stream record must do to the replica. */
export type ReplicaExpectation =
  | { readonly rejected: ReadonlyArray<ExpectedRejection> }
  /** The replica item under the record's key afterwards. */
  | { readonly replicated: AttributeMap }
  /** A REMOVE: the key is absent afterwards (the harness writes it to the replica first). */
  | { readonly removed: AttributeMap };

/** One catalogue entry. */
export interface StreamToQueueCase {
  readonly name: string;
  readonly record: unknown;
  readonly expect: ReplicaExpectation;
}

const key = (pk: string, sk = "1"): AttributeMap => ({ pk: { S: pk }, sk: { N: sk } });

const insert = (item: AttributeMap, eventID?: string) =>
  streamRecord(
    "INSERT",
    { keys: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue }, newImage: item },
    eventID === undefined ? {} : { eventID },
  );

const rejected = (
  field: string,
  reason?: string,
  recordId = HOSTILE_EVENT,
): ReplicaExpectation => ({
  rejected: [{ recordId, field, ...(reason === undefined ? {} : { reason }) }],
});

const replicated = (name: string, item: AttributeMap): StreamToQueueCase => ({
  name,
  record: insert(item),
  expect: { replicated: item },
});

const badImage = (name: string, value: unknown, field = "dynamodb.NewImage.value") => ({
  name,
  record: insert({ ...key(name), value } as AttributeMap),
  expect: rejected(field),
});

const base = insert({ ...key("base"), v: { S: "x" } });

/** Images DynamoDB would never emit: wrong types, bad values, too deep, too big. */
const badImages: ReadonlyArray<StreamToQueueCase> = [
  badImage("number that is not a number", { N: "abc" }),
  badImage("39-digit number", { N: DIGITS_39 }),
  badImage("number beyond 1E+126", { N: "1e400" }),
  badImage("invalid base64", { B: "***" }),
  badImage("empty string set", { SS: [] }),
  badImage("BOOL holding a string", { BOOL: "yes" }),
  badImage("NULL false", { NULL: false }),
  badImage("list holding a bare string", { L: ["x"] }, "dynamodb.NewImage.value[0]"),
  {
    name: "maps nested 10,000 deep",
    record: insert({ ...key("deep"), deep: nestedMapValue(10_000) }),
    expect: rejected(`dynamodb.NewImage.${tooDeepMapPath("deep")}`, "32"),
  },
  {
    name: "lists nested 10,000 deep",
    record: insert({ ...key("deep-l"), deep: nestedListValue(10_000) }),
    expect: rejected(`dynamodb.NewImage.${tooDeepListPath("deep")}`, "32"),
  },
  {
    name: "key attribute nested 10,000 deep",
    record: streamRecord("REMOVE", { keys: { pk: nestedMapValue(10_000), sk: { N: "1" } } }),
    expect: rejected("dynamodb.Keys.pk", "S, N or B"),
  },
  {
    name: "image over 400 KB",
    record: insert({ ...key("huge"), blob: { S: "x".repeat(410_000) } }),
    expect: rejected("dynamodb.NewImage", "409600"),
  },
  {
    name: "image under 400 KB but a message over 256 KiB",
    record: insert({ ...key("big"), blob: { S: "x".repeat(300_000) } }),
    expect: rejected("$", "262144"),
  },
  {
    name: "empty attribute name",
    record: insert(fromJson<AttributeMap>('{"pk":{"S":"e"},"sk":{"N":"1"},"":{"S":"x"}}')),
    expect: rejected('dynamodb.NewImage[""]'),
  },
  {
    name: "Keys that do not match the NewImage",
    record: withDynamodb(base, { Keys: key("other") }),
    expect: rejected("dynamodb.Keys.pk", "NewImage"),
  },
  {
    name: "no key attribute at all",
    record: streamRecord("REMOVE", { keys: {} }),
    expect: rejected("dynamodb.Keys", "no key attribute"),
  },
  {
    name: "empty string key",
    record: streamRecord("REMOVE", { keys: { pk: { S: "" }, sk: { N: "1" } } }),
    expect: rejected("dynamodb.Keys.pk", "empty"),
  },
  {
    name: "BOOL key",
    record: streamRecord("REMOVE", { keys: { pk: { BOOL: true }, sk: { N: "1" } } }),
    expect: rejected("dynamodb.Keys.pk", "S, N or B"),
  },
];

/** Images that must replicate exactly. */
const goodImages: ReadonlyArray<StreamToQueueCase> = [
  replicated("every DynamoDB type", { ...key("every-type"), ...everyType() }),
  replicated("38 significant digits", { ...key("digits"), n: { N: DIGITS_38 } }),
  replicated("empty binary and empty string", {
    ...key("empty"),
    b: { B: "" },
    s: { S: "" },
  }),
  replicated("maps nested 32 deep", { ...key("deep-32"), deep: nestedMapValue(31) }),
  ...["ñandú", "😀🔥", "__proto__", "constructor", "prototype", "a.b#c:d", "k".repeat(2048)].map(
    (pk) =>
      replicated(`key value ${JSON.stringify(pk.slice(0, 16))}`, { ...key(pk), v: { S: pk } }),
  ),
  ...["__proto__", "constructor", "prototype", "😀", "a.b", "#x", ":v", "n".repeat(10_000)].map(
    (name) =>
      replicated(
        `attribute named ${JSON.stringify(name.slice(0, 16))}`,
        fromJson<AttributeMap>(
          `{"pk":{"S":"name-${name.slice(0, 16)}"},"sk":{"N":"1"},${JSON.stringify(name)}:{"S":"x"}}`,
        ),
      ),
  ),
  replicated("number key with 38 digits", key("n-key", "12345678901234567890123456789012345678")),
  {
    name: "eventID longer than SQS's 128-character deduplication id",
    record: insert({ ...key("long-id") }, `evt-${"9".repeat(300)}`),
    expect: { replicated: key("long-id") },
  },
  {
    name: "MODIFY",
    record: streamRecord("MODIFY", {
      keys: key("modified"),
      oldImage: { ...key("modified"), v: { N: "1" } },
      newImage: { ...key("modified"), v: { N: "2" } },
    }),
    expect: { replicated: { ...key("modified"), v: { N: "2" } } },
  },
  {
    name: "REMOVE of an unusual key",
    record: streamRecord("REMOVE", { keys: key("🗑️ __proto__") }),
    expect: { removed: key("🗑️ __proto__") },
  },
  {
    name: "REMOVE whose OldImage holds a bad value (only the key matters)",
    record: streamRecord("REMOVE", {
      keys: key("gone"),
      oldImage: { ...key("gone"), v: { N: "not a number" } },
    }),
    expect: { removed: key("gone") },
  },
  {
    name: "record with unknown extra fields",
    record: withFields(insert(key("extra")), { userIdentity: { type: "Service" }, x: [1] }),
    expect: { replicated: key("extra") },
  },
];

/** Every streamToQueue case. */
export const streamToQueueCases: ReadonlyArray<StreamToQueueCase> = [
  ...[...envelopeDefects(base), ...missingNewImages(base)].map(
    ({ name, record, recordId, field }): StreamToQueueCase => ({
      name,
      record,
      expect: rejected(field, undefined, recordId),
    }),
  ),
  ...badImages,
  ...goodImages,
];
