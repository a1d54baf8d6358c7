import { describe, expect, it } from "vitest";
import {
  addOf,
  conditionOf,
  updateOf,
} from "../../adapters/localAws/services/dynamoDbExpressions.js";
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

  it("reads ADD, SET and REMOVE clauses in any order, with several actions each", () => {
    expect(
      updateOf("REMOVE #old, gone ADD #t :d SET #w = :v, other = :v", {
        names: { "#old": "old", "#t": "total", "#w": "wm" },
        values: { ":d": { N: "3" }, ":v": { S: "x" } },
      }),
    ).toEqual({
      add: [{ attribute: "total", delta: "3" }],
      set: [
        { attribute: "wm", value: { S: "x" } },
        { attribute: "other", value: { S: "x" } },
      ],
      remove: ["old", "gone"],
    });
  });

  it("refuses update forms it does not implement with a ValidationException", () => {
    const values = { ":v": { N: "1" } };
    expect(refusal(() => updateOf("SET a = a + :v", { values }))).toBe("ValidationException");
    expect(refusal(() => updateOf("DELETE s :v", { values }))).toBe("ValidationException");
    expect(refusal(() => updateOf("SET a = if_not_exists(a, :v)", { values }))).toBe(
      "ValidationException",
    );
    expect(refusal(() => updateOf("ADD a :s", { values: { ":s": { S: "x" } } }))).toBe(
      "ValidationException",
    );
  });
});
