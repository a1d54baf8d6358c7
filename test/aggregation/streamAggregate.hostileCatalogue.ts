import type { AttributeMap } from "../../domain/attributeValue.js";
import {
  DIGITS_38,
  DIGITS_39,
  type ExpectedRejection,
  fromJson,
  LARGEST_NUMBER,
  nestedMapValue,
} from "../support/hostile.js";
import {
  envelopeDefects,
  HOSTILE_EVENT,
  HOSTILE_SEQUENCE,
  missingNewImages,
  streamRecord,
} from "../support/hostileStreamRecords.js";

/**
 * Hostile DynamoDB stream records for streamAggregate (seed 002: quantity per day of
 * `order_date` and `item_id`). Each case's records are delivered between two good orders; the
 * case says which records are rejected (eventID + field) and what the hostile records add to the
 * totals (`"day|item"` → quantity, exact decimals). The good orders' totals must always be there.
 */

/** One catalogue entry. */
export interface AggregateCase {
  readonly name: string;
  readonly records: ReadonlyArray<unknown>;
  readonly expect: {
    readonly rejected: ReadonlyArray<ExpectedRejection>;
    /** What the hostile records add: `"YYYY-MM-DD|item"` → total. */
    readonly totals: Readonly<Record<string, string>>;
  };
}

/** An order image with any attribute values (hostile ones included; `undefined` removes one). */
const order = (id: string, fields: Readonly<Record<string, unknown>>): AttributeMap =>
  Object.fromEntries(
    Object.entries({
      order_id: { S: id },
      order_date: { S: "2024-03-01T10:00:00Z" },
      item_id: { S: "item-x" },
      quantity: { N: "5" },
      ...fields,
    }).filter(([, value]) => value !== undefined),
  ) as AttributeMap;

const keys = (id: string): AttributeMap => ({ order_id: { S: id } });

const inserted = (fields: Readonly<Record<string, unknown>>, n = 0) =>
  streamRecord("INSERT", { keys: keys(`o${n}`), newImage: order(`o${n}`, fields) }, ids(n));

const ids = (n: number) =>
  n === 0
    ? {}
    : { eventID: `${HOSTILE_EVENT}-${n}`, sequence: String(Number(HOSTILE_SEQUENCE) + n) };

const rejectsNew = (field: string, reason?: string): ExpectedRejection => ({
  recordId: HOSTILE_EVENT,
  field: `NewImage.${field}`,
  ...(reason === undefined ? {} : { reason }),
});

const badInsert = (
  name: string,
  fields: Readonly<Record<string, unknown>>,
  field: string,
  reason?: string,
): AggregateCase => ({
  name,
  records: [inserted(fields)],
  expect: { rejected: [rejectsNew(field, reason)], totals: {} },
});

const counted = (
  name: string,
  fields: Readonly<Record<string, unknown>>,
  totals: Record<string, string>,
): AggregateCase => ({
  name,
  records: [inserted(fields)],
  expect: { rejected: [], totals },
});

const base = inserted({});

/** Every streamAggregate case. */
export const streamAggregateCases: ReadonlyArray<AggregateCase> = [
  ...[...envelopeDefects(base), ...missingNewImages(base)].map(
    ({ name, record, recordId, field }): AggregateCase => ({
      name,
      records: [record],
      expect: { rejected: [{ recordId, field }], totals: {} },
    }),
  ),
  badInsert("quantity a string", { quantity: { S: "10" } }, "quantity", "number"),
  badInsert("quantity not a number", { quantity: { N: "ten" } }, "quantity"),
  badInsert("quantity of 39 digits", { quantity: { N: DIGITS_39 } }, "quantity"),
  badInsert("quantity 1e400", { quantity: { N: "1e400" } }, "quantity"),
  badInsert("quantity NaN", { quantity: { N: "NaN" } }, "quantity"),
  badInsert("quantity a number set", { quantity: { NS: ["1"] } }, "quantity"),
  badInsert("quantity nested 10,000 deep", { quantity: nestedMapValue(10_000) }, "quantity"),
  badInsert("order_date missing", { order_date: undefined }, "order_date", "missing"),
  badInsert("order_date not a date", { order_date: { S: "yesterday" } }, "order_date"),
  badInsert("order_date month 13", { order_date: { S: "2024-13-01" } }, "order_date"),
  badInsert("order_date a number", { order_date: { N: "20240301" } }, "order_date"),
  badInsert("item_id binary", { item_id: { B: "AAE=" } }, "item_id"),
  badInsert("item_id empty", { item_id: { S: "" } }, "item_id"),
  badInsert("item_id nested 10,000 deep", { item_id: nestedMapValue(10_000) }, "item_id"),
  badInsert("quantity a JSON number, not a string", { quantity: { N: 5 } }, "quantity"),
  badInsert("item_id a JSON number in S", { item_id: { S: 5 } }, "item_id"),
  badInsert("item_id N that is not a number", { item_id: { N: "abc" } }, "item_id"),
  badInsert("order_date a JSON number in S", { order_date: { S: 20240301 } }, "order_date"),
  badInsert(
    "item_id over DynamoDB's 1024-byte sort key",
    { item_id: { S: "ñ".repeat(513) } },
    "item_id",
    "1024",
  ),
  counted("quantity missing: contributes nothing", { quantity: undefined }, {}),
  counted("quantity zero: contributes nothing", { quantity: { N: "-0.000" } }, {}),
  counted(
    "38-digit quantity summed exactly",
    { quantity: { N: DIGITS_38 } },
    {
      "2024-03-01|item-x": DIGITS_38,
    },
  ),
  counted(
    "numeric item_id beyond doubles",
    { item_id: { N: "12345678901234567890" } },
    {
      "2024-03-01|12345678901234567890": "5",
    },
  ),
  ...["ñandú", "😀🔥", "__proto__", "constructor", "a.b#c:d", "i".repeat(1000)].map((item) =>
    counted(
      `item_id ${JSON.stringify(item.slice(0, 16))}`,
      { item_id: { S: item } },
      {
        [`2024-03-01|${item}`]: "5",
      },
    ),
  ),
  counted(
    "unrelated attribute nested 10,000 deep (only the order's fields are read)",
    { notes: nestedMapValue(10_000) },
    { "2024-03-01|item-x": "5" },
  ),
  counted(
    "image over 400 KB (read, never stored)",
    { blob: { S: "x".repeat(410_000) } },
    {
      "2024-03-01|item-x": "5",
    },
  ),
  counted(
    "__proto__ and constructor attributes",
    fromJson<Record<string, unknown>>(
      '{"__proto__":{"S":"x"},"constructor":{"M":{"prototype":{"S":"y"}}}}',
    ),
    { "2024-03-01|item-x": "5" },
  ),
  {
    name: "MODIFY from a bad old image: the new one still counts",
    records: [
      streamRecord("MODIFY", {
        keys: keys("o0"),
        oldImage: order("o0", { quantity: { S: "x" } }),
        newImage: order("o0", { quantity: { N: "7" } }),
      }),
    ],
    expect: {
      rejected: [{ recordId: HOSTILE_EVENT, field: "OldImage.quantity" }],
      totals: { "2024-03-01|item-x": "7" },
    },
  },
  {
    name: "MODIFY to a bad new image: the old one is still removed",
    records: [
      streamRecord("MODIFY", {
        keys: keys("o0"),
        oldImage: order("o0", { quantity: { N: "3" } }),
        newImage: order("o0", { quantity: { N: "three" } }),
      }),
    ],
    expect: { rejected: [rejectsNew("quantity")], totals: { "2024-03-01|item-x": "-3" } },
  },
  {
    name: "REMOVE without an OldImage (KEYS_ONLY stream): rejected, it cannot be counted",
    records: [streamRecord("REMOVE", { keys: keys("o0") })],
    expect: { rejected: [{ recordId: HOSTILE_EVENT, field: "dynamodb.OldImage" }], totals: {} },
  },
  {
    name: "MODIFY without an OldImage (NEW_IMAGE stream): rejected, the new quantity is not added",
    records: [
      streamRecord("MODIFY", { keys: keys("o0"), newImage: order("o0", { quantity: { N: "7" } }) }),
    ],
    expect: { rejected: [{ recordId: HOSTILE_EVENT, field: "dynamodb.OldImage" }], totals: {} },
  },
  {
    name: "a total beyond DynamoDB's range: the record that overflows it is rejected",
    records: [
      inserted({ quantity: { N: LARGEST_NUMBER } }, 1),
      inserted({ quantity: { N: LARGEST_NUMBER } }, 2),
    ],
    expect: {
      rejected: [{ recordId: `${HOSTILE_EVENT}-2`, field: "$" }],
      totals: { "2024-03-01|item-x": LARGEST_NUMBER },
    },
  },
  {
    name: "a null record in a batch whose total overflows",
    records: [
      null,
      inserted({ quantity: { N: LARGEST_NUMBER } }, 2),
      inserted({ quantity: { N: LARGEST_NUMBER } }, 3),
    ],
    expect: {
      // The record the table refused is stored as it is refused (before the watermark or its
      // marker moves past it), the unreadable one with the batch's end.
      rejected: [
        { recordId: `${HOSTILE_EVENT}-3`, field: "$" },
        { recordId: "#1", field: "$" },
      ],
      totals: { "2024-03-01|item-x": LARGEST_NUMBER },
    },
  },
];
