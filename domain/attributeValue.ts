/**
 * DynamoDB JSON, as Lambda delivers it in stream events and as we carry it in queue messages.
 * Binary values are base64 strings here; the AWS adapters convert them to bytes at the edge.
 * Numbers stay strings end to end, so no digit is ever lost.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly BOOL: boolean }
  | { readonly NULL: true }
  | { readonly SS: ReadonlyArray<string> }
  | { readonly NS: ReadonlyArray<string> }
  | { readonly BS: ReadonlyArray<string> }
  | { readonly L: ReadonlyArray<AttributeValue> }
  | { readonly M: AttributeMap };

/** An item, a key or an image: attribute name → value. */
export type AttributeMap = { readonly [name: string]: AttributeValue };

/** Names of the key attributes of a table. */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

const TYPE_TAGS = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"] as const;

const TAG_SET: ReadonlySet<string> = new Set(TYPE_TAGS);

/** The type descriptor of a value (`"S"`, `"N"`, …). */
export type AttributeType = (typeof TYPE_TAGS)[number];

/**
 * The type descriptor of a value, or `undefined` when it is not a single-tag DynamoDB value.
 * @example attributeType({ N: "1" }) // "N"
 */
export const attributeType = (value: unknown): AttributeType | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  // One pass over the own keys, no array: this runs for every attribute of every stream image.
  let tag: string | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (tag !== undefined) return undefined;
    tag = key;
  }
  return tag !== undefined && TAG_SET.has(tag) ? (tag as AttributeType) : undefined;
};

/**
 * Projects the key attributes of an item. Returns `undefined` when one is missing.
 * @example keyOf({ id: { S: "a" }, n: { N: "1" } }, { partitionKey: "id" }) // { id: { S: "a" } }
 */
export const keyOf = (item: AttributeMap, schema: KeySchema): AttributeMap | undefined => {
  const pk = Object.hasOwn(item, schema.partitionKey) ? item[schema.partitionKey] : undefined;
  if (pk === undefined) return undefined;
  if (schema.sortKey === undefined) return { [schema.partitionKey]: pk };
  const sk = Object.hasOwn(item, schema.sortKey) ? item[schema.sortKey] : undefined;
  return sk === undefined ? undefined : { [schema.partitionKey]: pk, [schema.sortKey]: sk };
};

/**
 * A string that identifies a key regardless of attribute order: equal keys give equal strings.
 * @example canonicalKey({ b: { S: "x" }, a: { N: "1" } }) === canonicalKey({ a: { N: "1" }, b: { S: "x" } })
 */
export const canonicalKey = (key: AttributeMap): string =>
  JSON.stringify(
    Object.keys(key)
      .sort()
      .map((name) => [name, key[name]]),
  );

/**
 * Length of a string in UTF-8 bytes, without encoding it (a lone surrogate counts 3 bytes, as
 * its replacement character would).
 * @example utf8Length("ñ") // 2
 */
export const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
};

const base64Length = (text: string): number => {
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
};

/**
 * DynamoDB stores a number as base-100 digits aligned on the decimal point: 1 byte per pair of
 * decimal digits from the first to the last non-zero pair, 1 byte of exponent, 1 more when
 * negative (as DynamoDB Local measures it: "1.5" is 3 bytes, "100" 2, "-1" 3, "0" 1).
 */
const numberSize = (n: string): number => {
  const match = /^([-+]?)(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?$/.exec(n);
  if (match === null) return Math.ceil(n.length / 2) + 1;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  const digits = whole + fraction;
  const first = digits.search(/[1-9]/);
  if (first < 0) return 1;
  const last = digits.length - 1 - [...digits].reverse().findIndex((d) => d !== "0");
  // Power of ten of digit i: whole.length - 1 - i, shifted by the exponent.
  const power = (i: number) => whole.length - 1 - i + Number(exponent);
  const pairs = Math.floor(power(first) / 2) - Math.floor(power(last) / 2) + 1;
  return pairs + 1 + (sign === "-" ? 1 : 0);
};

/**
 * Size of a value by DynamoDB's item-size rules (UTF-8 strings, numbers 1 byte per significant
 * pair of digits + 1 (+1 when negative), 1 byte for BOOL/NULL, 3 bytes of overhead for lists and
 * maps plus 1 per element).
 * @example attributeValueSize({ S: "abc" }) // 3
 */
export const attributeValueSize = (value: AttributeValue): number => {
  if ("S" in value) return utf8Length(value.S);
  if ("N" in value) return numberSize(value.N);
  if ("B" in value) return base64Length(value.B);
  if ("BOOL" in value || "NULL" in value) return 1;
  if ("SS" in value) return value.SS.reduce((n, s) => n + utf8Length(s), 0);
  if ("NS" in value) return value.NS.reduce((n, s) => n + numberSize(s), 0);
  if ("BS" in value) return value.BS.reduce((n, s) => n + base64Length(s), 0);
  if ("L" in value) return 3 + value.L.reduce((n, v) => n + 1 + attributeValueSize(v), 0);
  return 3 + Object.keys(value.M).length + itemSize(value.M);
};

/**
 * Size of an item by DynamoDB's rules: attribute names plus values. Items must stay ≤ 400 KB.
 * @example itemSize({ id: { S: "a" } }) // 3
 */
export const itemSize = (item: AttributeMap): number => {
  let size = 0;
  for (const name of Object.keys(item)) {
    const value = item[name];
    if (value !== undefined) size += utf8Length(name) + attributeValueSize(value);
  }
  return size;
};

/** DynamoDB's maximum item size in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue };

/**
 * Marshals a parsed JSON value to DynamoDB JSON (null → NULL, arrays → L, objects → M).
 * Object keys are copied as own data properties, so `__proto__` stays an ordinary attribute.
 * @example marshalJson({ sensor: "t", value: 22.5 }) // { M: { sensor: { S: "t" }, value: { N: "22.5" } } }
 */
export const marshalJson = (value: JsonValue): AttributeValue => {
  if (value === null) return { NULL: true };
  if (typeof value === "boolean") return { BOOL: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "string") return { S: value };
  if (Array.isArray(value)) return { L: value.map(marshalJson) };
  // Object.fromEntries defines own data properties: a "__proto__" key cannot reach the prototype.
  return {
    M: Object.fromEntries(
      Object.entries(value as { readonly [key: string]: JsonValue }).map(([k, v]) => [
        k,
        marshalJson(v),
      ]),
    ),
  };
};
