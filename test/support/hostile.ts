import { expect } from "vitest";
import { LogRejectSink } from "../../adapters/aws/LogRejectSink.js";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";

/** Builders and checks shared by the hostile-input catalogues (test/hostile). */

/** A rejection a hostile case must cause: the record it names, the field, and a reason excerpt. */
export interface ExpectedRejection {
  readonly recordId: string;
  readonly field: string;
  /** A substring of the reason, when the case is about a specific reason. */
  readonly reason?: string;
}

/** JSON text of `depth` nested arrays around `leaf`. */
export const nestedArraysJson = (depth: number, leaf = "1"): string =>
  `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;

/** JSON text of `depth` nested objects `{"a":…}` around `leaf`. */
export const nestedObjectsJson = (depth: number, leaf = "1"): string =>
  `${'{"a":'.repeat(depth)}${leaf}${"}".repeat(depth)}`;

/** A DynamoDB value of `depth` nested maps `{ M: { a: … } }` around a string (built iteratively). */
export const nestedMapValue = (depth: number): AttributeValue => {
  let value: AttributeValue = { S: "leaf" };
  for (let i = 0; i < depth; i++) value = { M: { a: value } };
  return value;
};

/** A DynamoDB value of `depth` nested lists `{ L: [ … ] }` around a string. */
export const nestedListValue = (depth: number): AttributeValue => {
  let value: AttributeValue = { S: "leaf" };
  for (let i = 0; i < depth; i++) value = { L: [value] };
  return value;
};

/** DynamoDB JSON text of `depth` nested maps (for depths JSON.stringify cannot reach). */
export const nestedMapJson = (depth: number): string =>
  `${'{"M":{"a":'.repeat(depth)}{"S":"leaf"}${"}}".repeat(depth)}`;

/** DynamoDB JSON text of `depth` nested lists. */
export const nestedListJson = (depth: number): string =>
  `${'{"L":['.repeat(depth)}{"S":"leaf"}${"]}".repeat(depth)}`;

/** The path validation reports for a value nested too deep under `name` (maps named `a`). */
export const tooDeepMapPath = (name: string): string => `${name}${".a".repeat(32)}`;

/** The same for nested lists. */
export const tooDeepListPath = (name: string): string => `${name}${"[0]".repeat(32)}`;

/**
 * Parses JSON text: the way to build objects with OWN `__proto__` / `constructor` keys (an
 * object literal `{ __proto__: … }` would set the prototype instead).
 */
export const fromJson = <T = unknown>(text: string): T => JSON.parse(text) as T;

/** The greatest number DynamoDB stores: 38 nines × 10^87 (9.99…E+125). */
export const LARGEST_NUMBER = "9.9999999999999999999999999999999999999E+125";
/** 38 significant digits, more than a double holds. */
export const DIGITS_38 = "-12345678901234567890.123456789012345678";
/** 39 significant digits: one more than DynamoDB stores. */
export const DIGITS_39 = "123456789012345678901234567890123456789";

/**
 * Attributes of every DynamoDB type (S N B BOOL NULL SS NS BS L M), numbers in canonical form so
 * the stored item equals them, values chosen to break naive handling (unicode, `__proto__` map
 * keys, digits a double cannot hold, binary with every bit pattern).
 */
export const everyType = (): AttributeMap =>
  fromJson<AttributeMap>(`{
    "s": { "S": "ñandú 😀 \\u0000 \\"quoted\\" \\\\ ,;" },
    "n": { "N": "${DIGITS_38}" },
    "b": { "B": "AAEC/f7/" },
    "bool": { "BOOL": false },
    "nul": { "NULL": true },
    "ss": { "SS": ["a", "😀", "__proto__"] },
    "ns": { "NS": ["1", "12345678901234567890123456789012345678", "-0.5"] },
    "bs": { "BS": ["AA==", "/w=="] },
    "l": { "L": [{ "S": "x" }, { "N": "1" }, { "NULL": true }, { "L": [] }, { "M": {} }, { "B": "AQ==" }] },
    "m": { "M": {
      "__proto__": { "S": "own attribute" },
      "constructor": { "M": { "prototype": { "S": "own too" } } },
      "a.b#c:d": { "BOOL": true },
      "deep": { "M": { "deeper": { "L": [{ "SS": ["z"] }] } } }
    } }
  }`);

/** Sets are unordered in DynamoDB: sorts them (recursively) so items compare with toEqual. */
export const unorderedValue = (value: AttributeValue): AttributeValue => {
  if ("SS" in value) return { SS: [...value.SS].sort() };
  if ("NS" in value) return { NS: [...value.NS].sort() };
  if ("BS" in value) return { BS: [...value.BS].sort() };
  if ("L" in value) return { L: value.L.map(unorderedValue) };
  if ("M" in value) return { M: unorderedMap(value.M) };
  return value;
};

/** {@link unorderedValue} for a whole item. */
export const unorderedMap = (map: AttributeMap): AttributeMap =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, unorderedValue(value)]));

/**
 * A reject sink that keeps the records AND writes them through the Lambda {@link LogRejectSink}
 * (its structured lines kept in `lines`): hostile identities must not break the real log.
 */
export class CheckedRejectSink implements RejectSink {
  readonly records: RejectedRecord[] = [];
  readonly lines: string[] = [];
  private readonly log = new LogRejectSink("hostile", (line) => this.lines.push(line));

  readonly reject = (records: ReadonlyArray<RejectedRecord>) => {
    this.records.push(...records);
    return this.log.reject(records);
  };
}

/**
 * Asserts the sink holds exactly these rejections (record id and field, in order), each with a
 * reason (containing the expected excerpt when one is given), each logged as one JSON line.
 */
export const expectRejections = (
  sink: CheckedRejectSink,
  expected: ReadonlyArray<ExpectedRejection>,
): void => {
  expect(
    sink.records.map(({ error }) => ({ recordId: error.recordId, field: error.field })),
  ).toEqual(expected.map(({ recordId, field }) => ({ recordId, field })));
  sink.records.forEach(({ error }, i) => {
    expect(error.reason.length).toBeGreaterThan(0);
    const excerpt = expected[i]?.reason;
    if (excerpt !== undefined) expect(error.reason).toContain(excerpt);
  });
  expect(sink.lines).toHaveLength(expected.length);
  for (const line of sink.lines)
    expect(JSON.parse(line)).toMatchObject({ level: "ERROR", rejected: true });
};

/** What the built-in prototypes hold now (own property names), to compare after processing. */
export const prototypeSnapshot = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
  function: Object.getOwnPropertyNames(Function.prototype).sort(),
  objectPrototypeOfPlain: Object.getPrototypeOf({}) === Object.prototype,
});

/** Asserts no input reached a prototype: nothing new on them, `({}).polluted` undefined. */
export const expectPrototypesUntouched = (before: ReturnType<typeof prototypeSnapshot>): void => {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
};

/** Payload keys that try to reach a prototype, as JSON text (parsed, they are own keys). */
export const POLLUTING_JSON =
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}';

/** Asserts an item is a plain object holding `name` as an ordinary own attribute. */
export const expectOwnAttribute = (item: AttributeMap | undefined, name: string): void => {
  expect(item).toBeDefined();
  expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  expect(Object.hasOwn(item as object, name)).toBe(true);
};

/** The key (pk S, sk N) of an item of the hostile suites' tables. */
export const keyOf = (item: AttributeMap): AttributeMap => ({
  pk: item.pk ?? { S: "?" },
  sk: item.sk ?? { N: "1" },
});

/** A valid item placed next to a hostile one, to check the rest of the batch is intact. */
export const goodItem = (name: string): AttributeMap => ({
  pk: { S: `good-${name}` },
  sk: { N: "1" },
  note: { S: "untouched by its neighbour" },
});
