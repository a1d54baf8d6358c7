import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { type JsonValue, marshalJson } from "../../domain/attributeValue.js";
import { parseJsonAttribute } from "../../domain/jsonAttribute.js";

const DEEP_ENOUGH = 1_000;

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("parseJsonAttribute (property)", () => {
  it("gives what JSON.parse + marshalJson give, for any JSON text", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        const parsed = parseJsonAttribute(text, DEEP_ENOUGH);
        expect(parsed).toEqual(E.right(marshalJson(JSON.parse(text) as JsonValue)));
      }),
      { numRuns: 500 },
    );
  });

  it("accepts exactly the texts JSON.parse accepts (random text, and JSON cut or spliced)", () => {
    const mangled = fc
      .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([text, at, length, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (length % 3));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), mangled), (text) => {
        expect(E.isRight(parseJsonAttribute(text, DEEP_ENOUGH))).toBe(parses(text));
      }),
      { numRuns: 1_000 },
    );
  });

  it("keeps every digit of numbers as written", () => {
    const numberText = fc
      .tuple(
        fc.constantFrom("", "-"),
        fc.stringMatching(/^(0|[1-9][0-9]{0,60})$/),
        fc.option(fc.stringMatching(/^[0-9]{1,40}$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^[eE][-+]?[0-9]{1,4}$/), { nil: undefined }),
      )
      .map(
        ([sign, int, frac, exp]) =>
          `${sign}${int}${frac === undefined ? "" : `.${frac}`}${exp ?? ""}`,
      );
    fc.assert(
      fc.property(numberText, (n) => {
        expect(parseJsonAttribute(`{"n":${n},"l":[${n}]}`, DEEP_ENOUGH)).toEqual(
          E.right({ M: { n: { N: n }, l: { L: [{ N: n }] } } }),
        );
      }),
    );
  });

  it("refuses nesting past the limit at any depth without recursion, naming the path", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 200_000 }),
        (limit, depth) => {
          const text = `${"[".repeat(depth)}0${"]".repeat(depth)}`;
          const parsed = parseJsonAttribute(text, limit);
          if (depth <= limit) expect(E.isRight(parsed)).toBe(true);
          else
            expect(parsed).toEqual(
              E.left({ path: "[0]".repeat(limit), reason: `nested deeper than ${limit} levels` }),
            );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps __proto__ and constructor keys as own attributes", () => {
    const parsed = parseJsonAttribute(
      '{"__proto__":{"polluted":1},"constructor":{"prototype":2}}',
      32,
    );
    if (E.isLeft(parsed) || !("M" in parsed.right)) throw new Error("expected a map");
    const map = parsed.right.M;
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.keys(map)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
