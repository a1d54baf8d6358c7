import { describe, expect, it } from "vitest";
import { addOf, conditionOf } from "../../adapters/localAws/services/dynamoDbExpressions.js";
import { InMemoryServiceError } from "../../adapters/localAws/services/serviceError.js";

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return error instanceof InMemoryServiceError ? error.name : "other";
  }
  return "accepted";
};

describe("the in-memory DynamoDB's expressions", () => {
  it("evaluates attribute_(not_)exists, comparisons, AND before OR, NOT and parentheses", () => {
    const item = { id: { S: "a" }, n: { N: "10" } };
    const values = { values: { ":nine": { N: "9" }, ":a": { S: "a" } } };
    expect(conditionOf("attribute_not_exists(id)", {})(undefined)).toBe(true);
    expect(conditionOf("attribute_exists(id)", {})(item)).toBe(true);
    expect(conditionOf("n > :nine", values)(item)).toBe(true);
    expect(conditionOf("n <= :nine", values)(item)).toBe(false);
    expect(conditionOf("id = :a OR n < :nine AND id <> :a", values)(item)).toBe(true);
    expect(conditionOf("(id = :a OR n < :nine) AND id <> :a", values)(item)).toBe(false);
    expect(conditionOf("NOT attribute_exists(missing)", values)(item)).toBe(true);
    expect(conditionOf("missing < :nine", values)(item)).toBe(false);
    expect(conditionOf("id < :nine", values)(item)).toBe(false);
  });

  it("orders strings by their UTF-8 bytes, as DynamoDB does (not by UTF-16 units)", () => {
    const condition = conditionOf("#s < :s", {
      names: { "#s": "s" },
      values: { ":s": { S: "😀" } },
    });
    expect(condition({ s: { S: "\uffff" } })).toBe(true);
  });

  it("refuses what it does not understand with a ValidationException", () => {
    expect(
      refusal(() => conditionOf("begins_with(id, :a)", { values: { ":a": { S: "a" } } })),
    ).toBe("ValidationException");
    expect(refusal(() => conditionOf("id = :undefined", {}))).toBe("ValidationException");
    expect(refusal(() => conditionOf("attribute_exists(#x)", {}))).toBe("ValidationException");
    expect(refusal(() => conditionOf("id = :a extra", { values: { ":a": { S: "a" } } }))).toBe(
      "ValidationException",
    );
    expect(refusal(() => addOf("SET #t = :v", { names: { "#t": "t" } }))).toBe(
      "ValidationException",
    );
    expect(refusal(() => addOf("ADD t :v", { values: { ":v": { S: "x" } } }))).toBe(
      "ValidationException",
    );
  });

  it("reads ADD's attribute and number", () => {
    expect(
      addOf("ADD #total :delta", {
        names: { "#total": "total" },
        values: { ":delta": { N: "2.5" } },
      }),
    ).toEqual({ attribute: "total", delta: "2.5" });
  });
});
