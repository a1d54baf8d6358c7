import { describe, expect, it } from "vitest";
import {
  attributePath,
  isBase64,
  joinPath,
  MAX_NESTING_DEPTH,
  validateAttributeValue,
  validateItem,
  validateKey,
  validateKeyAttributes,
} from "../../domain/attributeValidation.js";
import { MAX_ITEM_BYTES } from "../../domain/attributeValue.js";

const schema = { partitionKey: "pk", sortKey: "sk" };

describe("validateAttributeValue", () => {
  it.each([
    [{ S: "" }],
    [{ S: "héllo" }],
    [{ N: "-12.50" }],
    [{ N: "12345678901234567890123456789012345678" }],
    [{ B: "AAEC" }],
    [{ B: "" }],
    [{ BOOL: false }],
    [{ NULL: true }],
    [{ SS: ["a", "b"] }],
    [{ NS: ["1", "2.5"] }],
    [{ BS: ["AA==", "AQ=="] }],
    [{ L: [] }],
    [{ L: [{ S: "a" }, { M: { x: { N: "1" } } }] }],
    [{ M: {} }],
  ])("accepts %j", (value) => {
    expect(validateAttributeValue(value, "a")).toBeUndefined();
  });

  it.each([
    [null, "a", /one type tag/],
    ["text", "a", /one type tag/],
    [{}, "a", /one type tag/],
    [{ S: "x", N: "1" }, "a", /exactly one known type tag.*S, N/],
    [{ X: "1" }, "a", /exactly one known type tag/],
    [{ S: 1 }, "a", /expected a string, got number/],
    [{ N: 1 }, "a", /expected a number string/],
    [{ N: "1,5" }, "a", /not a DynamoDB number/],
    [{ N: "123456789012345678901234567890123456789" }, "a", /≤ 38 digits/],
    [{ N: "1e200" }, "a", /not a DynamoDB number/],
    [{ B: "not base64!" }, "a", /not valid base64/],
    [{ B: "AAE" }, "a", /not valid base64/],
    [{ BOOL: "true" }, "a", /BOOL must be true or false/],
    [{ NULL: false }, "a", /NULL must be true/],
    [{ SS: [] }, "a", /SS must not be empty/],
    [{ SS: "a" }, "a", /SS must be an array/],
    [{ SS: ["a", "a"] }, "a[1]", /duplicate value in SS/],
    [{ NS: ["1", "1.0"] }, "a[1]", /duplicate value in NS/],
    [{ NS: ["1", "x"] }, "a[1]", /not a DynamoDB number/],
    [{ BS: ["AA==", "%%"] }, "a[1]", /not valid base64/],
    [{ BS: ["AA==", "AA=="] }, "a[1]", /duplicate value in BS/],
    [{ L: {} }, "a", /L must be an array/],
    [{ M: [] }, "a", /M must be an object/],
  ])("rejects %j at %s", (value, path, reason) => {
    const problem = validateAttributeValue(value, "a");
    expect(problem?.path).toBe(path);
    expect(problem?.reason).toMatch(reason);
  });

  it("names the path of the first bad attribute deep inside lists and maps", () => {
    const address = {
      M: { city: { S: "Lima" }, lines: { L: [{ S: "a" }, { S: "b" }, { N: "oops" }] } },
    };
    expect(validateAttributeValue(address, "address")).toEqual({
      path: "address.lines[2]",
      reason: expect.stringMatching(/not a DynamoDB number/),
    });
  });

  it("quotes attribute names that are not plain identifiers", () => {
    const value = { M: { "x.y": { BOOL: 1 } } };
    expect(validateAttributeValue(value, "m")?.path).toBe('m["x.y"]');
  });

  it("refuses documents nested deeper than DynamoDB allows", () => {
    let deep: unknown = { S: "leaf" };
    for (let i = 0; i < MAX_NESTING_DEPTH + 1; i++) deep = { L: [deep] };
    expect(validateAttributeValue(deep, "d")?.reason).toMatch(/nested deeper than 32/);
    let ok: unknown = { S: "leaf" };
    for (let i = 0; i < MAX_NESTING_DEPTH; i++) ok = { L: [ok] };
    expect(validateAttributeValue(ok, "d")).toBeUndefined();
  });
});

describe("validateItem", () => {
  it("accepts a valid item and returns the first bad attribute of an invalid one", () => {
    expect(validateItem({ pk: { S: "a" }, sk: { N: "1" } })).toBeUndefined();
    expect(validateItem({ pk: { S: "a" }, tags: { SS: [] }, n: { N: "x" } })?.path).toBe("tags");
  });

  it("refuses what is not an object of attributes, and empty attribute names", () => {
    expect(validateItem([])?.reason).toMatch(/expected an object/);
    expect(validateItem({ "": { S: "a" } })?.reason).toMatch(/names must not be empty/);
  });

  it("keeps __proto__ an ordinary attribute name", () => {
    const item = JSON.parse('{"pk":{"S":"a"},"__proto__":{"N":"nope"}}');
    expect(validateItem(item)?.path).toBe("__proto__");
  });

  it("enforces the 400 KB item size limit", () => {
    const big = { pk: { S: "a" }, blob: { S: "x".repeat(MAX_ITEM_BYTES) } };
    expect(validateItem(big)?.reason).toMatch(/exceeds the 409600-byte limit/);
    const fits = { pk: { S: "a" }, blob: { S: "x".repeat(MAX_ITEM_BYTES - 10) } };
    expect(validateItem(fits)).toBeUndefined();
  });
});

describe("key checks", () => {
  it("accepts S, N and B keys", () => {
    expect(validateKey({ pk: { S: "a" }, sk: { N: "1" } }, schema)).toBeUndefined();
    expect(validateKey({ pk: { B: "AQ==" } }, { partitionKey: "pk" })).toBeUndefined();
  });

  it.each([
    [{ pk: { S: "a" } }, "sk", /missing/],
    [{ pk: { S: "" }, sk: { N: "1" } }, "pk", /must not be empty/],
    [{ pk: { B: "" }, sk: { N: "1" } }, "pk", /must not be empty/],
    [{ pk: { BOOL: true }, sk: { N: "1" } }, "pk", /S, N or B, got BOOL/],
    [{ pk: { S: "a" }, sk: { N: "1" }, x: { S: "y" } }, "x", /not a key attribute/],
    [{ pk: { S: "a" }, sk: { N: "one" } }, "sk", /not a DynamoDB number/],
  ])("refuses the key %j at %s", (key, path, reason) => {
    const problem = validateKey(key, schema);
    expect(problem?.path).toBe(path);
    expect(problem?.reason).toMatch(reason);
  });

  it("checks only the key attributes of an item", () => {
    expect(validateKeyAttributes({ pk: { S: "a" }, sk: { N: "1" }, x: { S: "" } }, schema)).toBe(
      undefined,
    );
    expect(validateKeyAttributes({ sk: { N: "1" } }, schema)?.path).toBe("pk");
  });
});

describe("paths and base64", () => {
  it("builds and joins paths", () => {
    expect(attributePath("", "a")).toBe("a");
    expect(attributePath("a", "b")).toBe("a.b");
    expect(attributePath("", "odd name")).toBe('["odd name"]');
    expect(joinPath("commands[0].item", "a.b")).toBe("commands[0].item.a.b");
    expect(joinPath("commands[0].item", '["x y"]')).toBe('commands[0].item["x y"]');
    expect(joinPath("commands[0].item", "")).toBe("commands[0].item");
  });

  it("recognizes padded standard base64 only", () => {
    expect(isBase64("")).toBe(true);
    expect(isBase64("AQID")).toBe(true);
    expect(isBase64("AQ==")).toBe(true);
    expect(isBase64("AQ")).toBe(false);
    expect(isBase64("A-_=")).toBe(false);
  });
});
