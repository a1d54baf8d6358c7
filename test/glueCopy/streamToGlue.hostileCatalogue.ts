import type { Mapping } from "../../domain/applyMapping.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import {
  DIGITS_38,
  type ExpectedRejection,
  everyType,
  fromJson,
  nestedMapValue,
} from "../support/hostile.js";
import {
  envelopeDefects,
  missingNewImages,
  streamRecord,
  withFields,
} from "../support/hostileStreamRecords.js";

/**
 * Hostile input for streamToGlue. Two catalogues: stream records (delivered between two good
 * records: a malformed one is rejected with its eventID and field, and the batch still starts
 * its one Glue run), and source items copied by the (in-memory) Glue job through ApplyMapping
 * (every attribute type, unusual names and keys, exact numbers, casts that must fail by item).
 */

/** A hostile stream record and what it must cause. */
export interface GlueRecordCase {
  readonly name: string;
  readonly record: unknown;
  /** Rejected (the good neighbours still start one run), or accepted as a change. */
  readonly expect: { readonly rejected: ExpectedRejection } | { readonly accepted: true };
}

const key = (id: string): AttributeMap => ({ id: { S: id } });
const base = streamRecord("INSERT", { keys: key("base"), newImage: { ...key("base") } });

/** Every streamToGlue record case. */
export const glueRecordCases: ReadonlyArray<GlueRecordCase> = [
  ...envelopeDefects(base).map(
    ({ name, record, recordId, field }): GlueRecordCase => ({
      name,
      record,
      expect: { rejected: { recordId, field } },
    }),
  ),
  ...[
    ["REMOVE without images", streamRecord("REMOVE", { keys: key("gone") })],
    [
      "image nested 10,000 deep (the job reads the table, not the image)",
      streamRecord("INSERT", {
        keys: key("deep"),
        newImage: { ...key("deep"), deep: nestedMapValue(10_000) },
      }),
    ],
    [
      "image over 400 KB",
      streamRecord("INSERT", {
        keys: key("huge"),
        newImage: { ...key("huge"), blob: { S: "x".repeat(410_000) } },
      }),
    ],
    [
      "unusual keys and attribute names",
      streamRecord("MODIFY", {
        keys: key("__proto__"),
        newImage: fromJson<AttributeMap>('{"id":{"S":"__proto__"},"constructor":{"S":"x"}}'),
      }),
    ],
    ...missingNewImages(base).map(({ name, record }) => [
      `${name} (a KEYS_ONLY or OLD_IMAGE stream: a trigger needs no image)`,
      record,
    ]),
    ["empty eventID", withFields(base, { eventID: "" })],
    ["unknown extra fields", withFields(base, { userIdentity: { type: "Service" } })],
  ].map(([name, record]) => ({
    name: name as string,
    record,
    expect: { accepted: true } as const,
  })),
];

/** The mappings of the copy job: one per attribute of {@link everyType}, plus renames and casts. */
export const glueMappings: ReadonlyArray<Mapping> = [
  ["id", "string", "id", "string"],
  ["s", "string", "s", "string"],
  ["n", "decimal", "n", "decimal"],
  ["b", "binary", "b", "binary"],
  ["bool", "boolean", "bool", "boolean"],
  ["nul", "string", "nul", "string"],
  ["ss", "array", "ss", "array"],
  ["ns", "array", "ns", "array"],
  ["bs", "array", "bs", "array"],
  ["l", "array", "l", "array"],
  ["m", "map", "m", "map"],
  ["count", "string", "count", "long"],
  ["`a.b`", "string", "dotted", "string"],
  ["__proto__", "string", "__proto__", "string"],
  ["constructor.prototype", "string", "ctor.prototype", "string"],
];

/** A source item and what the copy must hold for it (or the failure it must list). */
export interface GlueItemCase {
  readonly name: string;
  readonly item: AttributeMap;
  readonly expect:
    | { readonly copied: AttributeMap }
    | { readonly failed: { readonly recordId: string; readonly field: string } };
}

const copiedAs = (name: string, item: AttributeMap, copied: AttributeMap): GlueItemCase => ({
  name,
  item,
  expect: { copied },
});

const failing = (name: string, item: AttributeMap, field: string): GlueItemCase => ({
  name,
  item,
  expect: { failed: { recordId: canonicalKey({ id: item.id ?? { S: "?" } }), field } },
});

/** Every Glue copy case. */
export const glueItemCases: ReadonlyArray<GlueItemCase> = [
  copiedAs(
    "every DynamoDB type",
    { ...key("every-type"), ...everyType() },
    {
      ...key("every-type"),
      ...everyType(),
    },
  ),
  copiedAs(
    "38-digit decimal kept",
    { ...key("digits"), n: { N: DIGITS_38 } },
    {
      ...key("digits"),
      n: { N: DIGITS_38 },
    },
  ),
  copiedAs(
    "string of 19 digits cast to long",
    { ...key("long"), count: { S: " 9223372036854775807 " } },
    {
      ...key("long"),
      count: { N: "9223372036854775807" },
    },
  ),
  copiedAs(
    "NULL stays NULL whatever the types",
    { ...key("null"), count: { NULL: true } },
    {
      ...key("null"),
      count: { NULL: true },
    },
  ),
  ...["ñandú", "😀🔥", "__proto__", "constructor", "prototype", "a.b#c:d", "k".repeat(2048)].map(
    (id) =>
      copiedAs(
        `key value ${JSON.stringify(id.slice(0, 16))}`,
        { ...key(id), s: { S: id } },
        {
          ...key(id),
          s: { S: id },
        },
      ),
  ),
  copiedAs(
    "attribute names with a dot, __proto__ and constructor.prototype",
    fromJson<AttributeMap>(
      '{"id":{"S":"names"},"a.b":{"S":"dotted"},"__proto__":{"S":"own"},' +
        '"constructor":{"M":{"prototype":{"S":"own too"}}}}',
    ),
    fromJson<AttributeMap>(
      '{"id":{"S":"names"},"dotted":{"S":"dotted"},"__proto__":{"S":"own"},' +
        '"ctor":{"M":{"prototype":{"S":"own too"}}}}',
    ),
  ),
  failing(
    "long beyond 64 bits",
    { ...key("overflow"), count: { S: "9223372036854775808" } },
    "count",
  ),
  failing("long from text that is no number", { ...key("nan"), count: { S: "12abc" } }, "count"),
  failing("long from 1e400", { ...key("huge-n"), count: { S: "1e400" } }, "count"),
  failing("declared string, found a number", { ...key("typed"), s: { N: "1" } }, "s"),
  failing("declared map, found a list", { ...key("not-map"), m: { L: [] } }, "m"),
];
