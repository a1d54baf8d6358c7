import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  applyMapping,
  castValue,
  checkMappings,
  type GlueType,
  type Mapping,
  MappingsCodec,
  mappingsFromJson,
  parsePath,
} from "../../domain/applyMapping.js";
import type { AttributeValue } from "../../domain/attributeValue.js";
import { payment, paymentMappings } from "./glueRig.js";

const cast = (value: AttributeValue, from: GlueType, to: GlueType) => castValue(value, from, to);

describe("applyMapping", () => {
  it("keeps only mapped fields, renames them and flattens nested paths", () => {
    const result = applyMapping(paymentMappings, payment("p1", "12.50", "Cusco"), "p1");
    expect(result).toEqual(
      E.right({
        id: { S: "p1" },
        amount: { N: "12.5" },
        state: { S: "PAID" },
        city: { S: "Cusco" },
      }),
    );
  });

  it("leaves a missing source field absent (a missing parent too)", () => {
    const item = { id: { S: "p2" }, amount: { N: "1" } };
    expect(applyMapping(paymentMappings, item, "p2")).toEqual(
      E.right({ id: { S: "p2" }, amount: { N: "1" } }),
    );
    const notAMap = { id: { S: "p3" }, address: { S: "Lima" } };
    expect(applyMapping(paymentMappings, notAMap, "p3")).toEqual(E.right({ id: { S: "p3" } }));
  });

  it("builds nested targets, merging siblings", () => {
    const mappings: Mapping[] = [
      ["city", "string", "address.city", "string"],
      ["zip", "string", "address.zip", "int"],
      ["`a.b`", "string", "deep.`x.y`.z", "string"],
    ];
    const item = { city: { S: "Lima" }, zip: { S: "15001" }, "a.b": { S: "dot" } };
    expect(applyMapping(mappings, item, "k")).toEqual(
      E.right({
        address: { M: { city: { S: "Lima" }, zip: { N: "15001" } } },
        deep: { M: { "x.y": { M: { z: { S: "dot" } } } } },
      }),
    );
  });

  it("passes NULL through whatever the types", () => {
    const result = applyMapping([["n", "int", "n", "string"]], { n: { NULL: true } }, "k");
    expect(result).toEqual(E.right({ n: { NULL: true } }));
  });

  it("names the item and the source path when a value cannot be cast", () => {
    const result = applyMapping(
      [["address.zip", "string", "zip", "int"]],
      { address: { M: { zip: { S: "15-001" } } } },
      '[["id",{"S":"p9"}]]',
    );
    expect(result).toEqual(
      E.left({
        _tag: "InvalidRecord",
        recordId: '[["id",{"S":"p9"}]]',
        field: "address.zip",
        reason: '"15-001" is not a number',
      }),
    );
  });

  it("keeps a __proto__ attribute as an ordinary attribute", () => {
    const result = applyMapping(
      [["__proto__", "string", "__proto__", "string"]],
      JSON.parse('{"__proto__":{"S":"x"}}'),
      "k",
    );
    const item = E.isRight(result) ? result.right : {};
    expect(Object.hasOwn(item, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
  });
});

describe("castValue", () => {
  it.each<[AttributeValue, GlueType, GlueType, AttributeValue]>([
    [{ N: "12.7" }, "double", "int", { N: "12" }],
    [{ N: "-12.7" }, "double", "int", { N: "-12" }],
    [
      { N: "12345678901234567890.123456789" },
      "decimal",
      "decimal",
      { N: "12345678901234567890.123456789" },
    ],
    [{ N: "0.1" }, "double", "float", { N: "0.1" }],
    [{ N: "9223372036854775807" }, "long", "bigint", { N: "9223372036854775807" }],
    [{ N: "1.50" }, "decimal", "string", { S: "1.5" }],
    [{ S: " 42 " }, "string", "long", { N: "42" }],
    [{ S: "1e3" }, "string", "double", { N: "1000" }],
    [{ S: "TRUE" }, "string", "boolean", { BOOL: true }],
    [{ S: "false" }, "string", "boolean", { BOOL: false }],
    [{ BOOL: true }, "boolean", "string", { S: "true" }],
    [{ BOOL: false }, "boolean", "int", { N: "0" }],
    [{ N: "1" }, "int", "boolean", { BOOL: true }],
    [{ M: { a: { S: "x" } } }, "map", "struct", { M: { a: { S: "x" } } }],
    [{ SS: ["a", "b"] }, "array", "array", { SS: ["a", "b"] }],
    [{ B: "AQID" }, "binary", "binary", { B: "AQID" }],
  ])("casts %j from %s to %s", (value, from, to, expected) => {
    expect(cast(value, from, to)).toEqual(E.right(expected));
  });

  it.each<[AttributeValue, GlueType, GlueType, string]>([
    [{ N: "2147483648" }, "long", "int", "does not fit in int"],
    [{ N: "-9223372036854775809" }, "decimal", "long", "does not fit in long"],
    [{ S: "abc" }, "string", "double", "is not a number"],
    [{ S: "NaN" }, "string", "double", "is not a number"],
    [{ S: "yes" }, "string", "boolean", "cannot cast"],
    [{ N: "2" }, "int", "boolean", "cannot cast"],
    [{ M: {} }, "struct", "string", "cannot cast"],
    [{ S: "x" }, "int", "int", "declared int, found S"],
    [{ N: "1" }, "string", "string", "declared string, found N"],
  ])("refuses %j from %s to %s", (value, from, to, reason) => {
    const result = cast(value, from, to);
    expect(E.isLeft(result) && result.left.includes(reason)).toBe(true);
  });
});

describe("parsePath", () => {
  it("splits on dots outside backticks and refuses empty segments", () => {
    expect(parsePath("a.`b.c`.d")).toEqual(["a", "b.c", "d"]);
    expect(parsePath("a")).toEqual(["a"]);
    expect(parsePath("a..b")).toBeUndefined();
    expect(parsePath("")).toBeUndefined();
    expect(parsePath("`a")).toBeUndefined();
  });
});

describe("checkMappings and the codec", () => {
  it("refuses a target mapped twice or inside another target", () => {
    expect(
      checkMappings([
        ["a", "string", "x", "string"],
        ["b", "string", "x", "string"],
      ]),
    ).toBe("target x is mapped twice");
    expect(
      checkMappings([
        ["a", "string", "x.y", "string"],
        ["b", "string", "x", "string"],
      ]),
    ).toBe("target x.y is inside target x");
    expect(checkMappings(paymentMappings)).toBeUndefined();
  });

  it("decodes a JSON mappings list and refuses unknown types", () => {
    expect(mappingsFromJson('[["a.b","string","c","int"]]')).toEqual(
      E.right([["a.b", "string", "c", "int"]]),
    );
    expect(E.isLeft(mappingsFromJson('[["a","text","c","int"]]'))).toBe(true);
    expect(E.isLeft(mappingsFromJson('[["a","string","c"]]'))).toBe(true);
    expect(mappingsFromJson("[")).toMatchObject({ _tag: "Left" });
    expect(mappingsFromJson('[["a","string","x","string"],["b","string","x","string"]]')).toEqual(
      E.left("target x is mapped twice"),
    );
    expect(MappingsCodec.is(paymentMappings)).toBe(true);
  });
});
