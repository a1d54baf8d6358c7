import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { applyMapping, castValue, type GlueType, type Mapping } from "../../domain/applyMapping.js";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import { normalizeNumber } from "../../domain/decimal.js";

/** A DynamoDB number string of up to 38 digits, with or without a fraction. */
const numberText = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
    fc.option(fc.bigInt({ min: 0n, max: 10n ** 15n })),
  )
  .map(([whole, fraction]) => (fraction === null ? `${whole}` : `${whole}.${fraction}`));

const leaf: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string().map((S) => ({ S })),
  numberText.map((N) => ({ N: normalizeNumber(N) })),
  fc.boolean().map((BOOL) => ({ BOOL })),
  fc
    .uint8Array({ minLength: 1, maxLength: 16 })
    .map((bytes) => ({ B: Buffer.from(bytes).toString("base64") })),
  fc.constant({ NULL: true as const }),
);

const name = fc
  .string({ minLength: 1, maxLength: 8 })
  .filter((n) => !n.includes(".") && !n.includes("`"));

const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  { weight: 1, arbitrary: fc.dictionary(name, leaf, { maxKeys: 4 }).map((M) => ({ M })) },
  { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }).map((L) => ({ L })) },
);

const item = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 });

/** The Glue type that reads a value as it is. */
const typeOf = (v: AttributeValue): GlueType => {
  if ("S" in v) return "string";
  if ("N" in v) return "decimal";
  if ("BOOL" in v) return "boolean";
  if ("B" in v) return "binary";
  if ("M" in v) return "struct";
  if ("L" in v) return "array";
  return "string";
};

const identity = (input: AttributeMap, names: ReadonlyArray<string>): Mapping[] =>
  names.map((n) => {
    const type = typeOf(input[n] as AttributeValue);
    return [`\`${n}\``, type, `\`${n}\``, type];
  });

describe("applyMapping properties", () => {
  it("identity mappings over every field keep the item as it is", () => {
    fc.assert(
      fc.property(item, (input) => {
        const output = applyMapping(identity(input, Object.keys(input)), input, "k");
        expect(output).toEqual(E.right(input));
      }),
    );
  });

  it("keeps exactly the mapped fields that are present", () => {
    fc.assert(
      fc.property(item, fc.array(name, { maxLength: 6 }), (input, extra) => {
        const mappedNames = [
          ...new Set([...Object.keys(input).filter((_, i) => i % 2 === 0), ...extra]),
        ];
        const present = mappedNames.filter((n) => Object.hasOwn(input, n));
        const mappings = identity(input, present).concat(
          mappedNames
            .filter((n) => !present.includes(n))
            .map((n): Mapping => [`\`${n}\``, "string", `\`${n}\``, "string"]),
        );
        const output = applyMapping(mappings, input, "k");
        expect(E.isRight(output)).toBe(true);
        if (E.isRight(output))
          expect(Object.keys(output.right).sort()).toEqual([...present].sort());
      }),
    );
  });

  it("number → string → decimal gives back the number, in canonical form", () => {
    fc.assert(
      fc.property(numberText, (n) => {
        const asString = castValue({ N: n }, "decimal", "string");
        const back = E.isRight(asString)
          ? castValue(asString.right, "string", "decimal")
          : asString;
        expect(back).toEqual(E.right({ N: normalizeNumber(n) }));
      }),
    );
  });

  it("casting to int truncates toward zero, and refuses what does not fit in 32 bits", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
        fc.integer({ min: 0, max: 999 }),
        (whole, fraction) => {
          const text = `${whole < 0n ? "-" : ""}${whole < 0n ? -whole : whole}.${String(fraction).padStart(3, "0")}`;
          const result = castValue({ N: text }, "double", "int");
          const fits = whole >= -(2n ** 31n) && whole < 2n ** 31n;
          if (fits) expect(result).toEqual(E.right({ N: normalizeNumber(`${whole}`) }));
          else expect(E.isLeft(result)).toBe(true);
        },
      ),
    );
  });

  it("boolean → string → boolean gives back the boolean", () => {
    fc.assert(
      fc.property(fc.boolean(), (b) => {
        const s = castValue({ BOOL: b }, "boolean", "string");
        expect(E.isRight(s) ? castValue(s.right, "string", "boolean") : s).toEqual(
          E.right({ BOOL: b }),
        );
      }),
    );
  });
});
