import Big from "big.js";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { coalesce, type Delta } from "../../domain/aggregateDeltas.js";
import { attributeType, canonicalKey, itemSize } from "../../domain/attributeValue.js";
import { csvRowToItem } from "../../domain/csvRow.js";
import { csvRowId, csvRowIds } from "../../domain/csvRowId.js";
import { bindHeader, type ColumnType } from "../../domain/csvSchema.js";
import {
  addNumbers,
  isDynamoNumber,
  isZeroNumber,
  negateNumber,
  normalizeNumber,
} from "../../domain/decimal.js";

/**
 * The shortcuts taken for speed in issue 5 (bench/RESULTS.md) give exactly the results of the
 * general code they bypass, which is rebuilt here from big.js as the reference.
 */

const SYNTAX = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const big = (text: string) => new Big(text.startsWith("+") ? text.slice(1) : text);
const refValid = (text: string): boolean => {
  if (!SYNTAX.test(text)) return false;
  const value = big(text);
  return value.eq(0) || (value.c.length <= 38 && value.e >= -130 && value.e <= 125);
};
const refNormalize = (text: string): string => {
  const value = big(text);
  return value.eq(0) ? "0" : value.toFixed();
};

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
/** Number-like strings around every boundary: signs, leading zeros, 15/16 and 38/39 digits. */
const numberText = fc.oneof(
  fc.tuple(fc.constantFrom("", "-", "+"), digits(1, 18)).map(([s, d]) => s + d),
  fc
    .tuple(fc.constantFrom("", "-", "+"), digits(0, 25), digits(0, 20))
    .map(([s, w, f]) => `${s}${w}.${f}`),
  fc.tuple(digits(1, 3), fc.integer({ min: -140, max: 140 })).map(([d, e]) => `${d}e${e}`),
  digits(36, 41),
  fc.constantFrom("0", "-0", "+0", "000", "-0.000", ".5", "5.", ".", "", "-", "1e", "abc"),
);

describe("decimal fast paths", () => {
  it("agree with big.js on validity, normal form, zero, negation and sums", () => {
    fc.assert(
      fc.property(numberText, numberText, (a, b) => {
        expect(isDynamoNumber(a)).toBe(refValid(a));
        if (!refValid(a) || !refValid(b)) return;
        expect(normalizeNumber(a)).toBe(refNormalize(a));
        expect(isZeroNumber(a)).toBe(big(a).eq(0));
        expect(negateNumber(a)).toBe(refNormalize(big(a).neg().toFixed()));
        expect(addNumbers(a, b)).toBe(refNormalize(big(a).plus(big(b)).toFixed()));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("attributeType", () => {
  const TAGS = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"];
  const reference = (value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    const keys = Object.keys(value);
    return keys.length === 1 ? TAGS.find((tag) => tag === keys[0]) : undefined;
  };
  it("is the single own key when it is a type tag, whatever the value", () => {
    const tagged = fc
      .tuple(fc.constantFrom(...TAGS, "X", "toString"), fc.anything())
      .map(([k, v]) => ({ [k]: v }));
    fc.assert(
      fc.property(fc.oneof(tagged, fc.anything()), (value) => {
        expect(attributeType(value)).toBe(reference(value));
      }),
    );
    expect(attributeType(Object.create({ S: "inherited" }))).toBeUndefined();
  });
});

describe("coalesce", () => {
  const reference = (deltas: ReadonlyArray<Delta>) => {
    const sums = new Map<string, Delta>();
    for (const d of deltas) {
      const id = canonicalKey(d.key);
      const current = sums.get(id);
      sums.set(
        id,
        current ? { key: current.key, amount: addNumbers(current.amount, d.amount) } : d,
      );
    }
    return [...sums.values()].filter((d) => !isZeroNumber(d.amount));
  };
  const key = fc.oneof(
    fc.constantFrom("a", "b").map((v) => ({ day: { S: v }, item: { S: "x" } })),
    fc.constantFrom("1", "1.0").map((v) => ({ day: { N: v } })),
    fc.constant({ day: { L: [] } }),
  );
  it("merges per key exactly like the general map-based version", () => {
    const delta = fc.record({ key, amount: fc.constantFrom("0", "5", "-5", "2.5", "-7") });
    fc.assert(
      fc.property(fc.array(delta, { maxLength: 4 }), (deltas) => {
        expect(coalesce(deltas)).toEqual(reference(deltas));
      }),
    );
  });
});

describe("csvRowIds", () => {
  it("gives csvRowId's ids", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.nat(), (bucket, key, etag, line) => {
        const ref = { bucket, key, etag };
        expect(csvRowIds(ref)(line)).toBe(csvRowId(ref, line));
      }),
    );
  });
});

describe("csvRowToItem's size bound", () => {
  it("never underestimates: 3 bytes per name unit + 4 per cell character + 4 per attribute", () => {
    const types: ColumnType[] = ["string", "number", "boolean", "json", "stringSet", "numberSet"];
    const cell = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.constantFrom("1", "12.50", "true", "[[[[]]]]", '{"":{}}', "[0,0,0]", "1|1|1", "a|b", ""),
      fc.json({ depthSize: "small" }),
    );
    const row = fc.array(fc.tuple(fc.constantFrom(...types), cell), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(row, (cells) => {
        const names = cells.map((_, i) => `c${i}é`);
        const columns = Object.fromEntries(names.map((n, i) => [n, cells[i]?.[0] ?? "string"]));
        const layout = bindHeader(
          { columns: { ...columns, k: "string" }, key: { partitionKey: "k" }, emptyAs: "null" },
          ["k", ...names],
          "h",
        );
        if (E.isLeft(layout)) throw new Error(layout.left.reason);
        const item = csvRowToItem(layout.right, ["key", ...cells.map(([, text]) => text)], "r");
        if (E.isLeft(item)) return;
        const bound = ["k", ...names].reduce(
          (n, name, i) =>
            n + 3 * name.length + 4 * (i === 0 ? 3 : (cells[i - 1]?.[1].length ?? 0)) + 4,
          0,
        );
        expect(itemSize(item.right)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 500 },
    );
  });
});
