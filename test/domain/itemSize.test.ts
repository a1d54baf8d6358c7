import { describe, expect, it } from "vitest";
import { attributeValueSize, itemSize } from "../../domain/attributeValue.js";
import { isDynamoNumber, normalizeNumber } from "../../domain/decimal.js";

// Sizes measured on DynamoDB Local 3.3.0 (the largest filler string it still accepted next to
// the value in a 400 KB item); the TableWriter contract checks the 400 KB boundary there too.
const measuredNumbers: ReadonlyArray<[string, number]> = [
  ["0", 1],
  ["1", 2],
  ["12", 2],
  ["123", 3],
  ["1.5", 3],
  ["0.5", 2],
  ["100", 2],
  ["1000000", 2],
  ["0.001", 2],
  ["0.0012", 2],
  ["123.4", 4],
  ["12345", 4],
  ["-1", 3],
  ["-1.5", 4],
  ["-1E-130", 3],
  ["9.9E+125", 2],
  ["12345678901234567890123456789012345678", 20],
  ["1234567890123456789012345678901234567.8", 21],
  ["0.12345678901234567890123456789012345678", 20],
];

describe("itemSize follows DynamoDB's rules", () => {
  it.each(measuredNumbers)("a number %s takes %i bytes", (n, bytes) => {
    expect(attributeValueSize({ N: n })).toBe(bytes);
  });

  it("counts 3 bytes per list or map plus 1 per element", () => {
    expect(attributeValueSize({ M: {} })).toBe(3);
    expect(attributeValueSize({ M: { a: { S: "b" } } })).toBe(6);
    expect(attributeValueSize({ M: { a: { S: "b" }, cc: { N: "1" } } })).toBe(11);
    expect(attributeValueSize({ L: [{ M: { a: { S: "b" } } }] })).toBe(10);
    expect(itemSize({ v: { M: { a: { M: { b: { S: "c" } } } } } })).toBe(12);
  });
});

describe("numbers with a leading plus sign", () => {
  it("are DynamoDB numbers, stored without the sign", () => {
    expect(isDynamoNumber("+5")).toBe(true);
    expect(normalizeNumber("+5.0")).toBe("5");
  });
});
