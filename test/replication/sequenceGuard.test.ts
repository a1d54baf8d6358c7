import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import {
  type GuardedWrite,
  isNewerThanStored,
  padSequence,
  planGuardedTransactions,
  readCancellation,
  splitBySequence,
  versionItem,
  versionKeyText,
} from "../../domain/sequenceGuard.js";
import { compareSequenceNumbers } from "../../domain/writeCommand.js";
import { deleteOf, putOf } from "../support/sqs.js";

const schema = { partitionKey: "id" };
const key = (id: string): AttributeMap => ({ id: { S: id } });
const guarded = (id: string, seq: string, extra: AttributeMap = {}): GuardedWrite => ({
  command: putOf({ ...key(id), ...extra }, schema, `e-${id}-${seq}`, seq),
  versionKey: `v-${id}`,
  seq: padSequence(seq) ?? "",
});

describe("padSequence", () => {
  it("pads to 48 digits and refuses what cannot be ordered that way", () => {
    expect(padSequence("10")).toBe(`${"0".repeat(46)}10`);
    expect(padSequence("0007")).toBe(padSequence("7"));
    expect(padSequence("9".repeat(48))).toBe("9".repeat(48));
    expect(padSequence("1".repeat(49))).toBeUndefined();
    expect(padSequence("12a")).toBeUndefined();
    expect(padSequence("")).toBeUndefined();
  });

  it("makes string order equal numeric order", () => {
    const seq = fc.bigInt({ min: 0n, max: 10n ** 48n - 1n }).map(String);
    fc.assert(
      fc.property(seq, seq, (a, b) => {
        const [x, y] = [padSequence(a) ?? "", padSequence(b) ?? ""];
        expect(Math.sign(x < y ? -1 : x > y ? 1 : 0)).toBe(compareSequenceNumbers(a, b));
      }),
    );
  });
});

describe("version items", () => {
  it("names one key whatever the attribute order or number form, and the table", () => {
    const a = versionKeyText("t", { id: { N: "1.50" }, sk: { S: "x" } });
    expect(versionKeyText("t", { sk: { S: "x" }, id: { N: "1.5" } })).toBe(a);
    expect(versionKeyText("u", { sk: { S: "x" }, id: { N: "1.5" } })).not.toBe(a);
  });

  it("holds the padded seq, and no expiry unless one is given (epoch seconds)", () => {
    expect(versionItem("k", "0042")).toEqual({ pk: { S: "k" }, seq: { S: "0042" } });
    expect(versionItem("k", "0042", 1_000)).toEqual({
      pk: { S: "k" },
      seq: { S: "0042" },
      expiresAt: { N: "1000" },
    });
  });

  it("evaluates attribute_not_exists(pk) OR seq < :seq", () => {
    const stored = versionItem("k", padSequence("5") ?? "");
    expect(isNewerThanStored(undefined, padSequence("1") ?? "")).toBe(true);
    expect(isNewerThanStored(stored, padSequence("6") ?? "")).toBe(true);
    expect(isNewerThanStored(stored, padSequence("5") ?? "")).toBe(false);
    expect(isNewerThanStored(stored, padSequence("4") ?? "")).toBe(false);
    expect(isNewerThanStored({ pk: { S: "k" } }, padSequence("4") ?? "")).toBe(false);
  });
});

describe("splitBySequence", () => {
  it("separates commands without seq and refuses unpaddable ones", () => {
    const plain = deleteOf(key("a"), "s3://b/k#1");
    const ok = deleteOf(key("b"), "e2", "12");
    const tooLong = deleteOf(key("c"), "e3", "9".repeat(49));
    const split = splitBySequence([plain, ok, tooLong], (k) => JSON.stringify(k));
    expect(split.unguarded).toEqual([plain]);
    expect(split.guarded).toEqual([
      { command: ok, versionKey: JSON.stringify(key("b")), seq: padSequence("12") },
    ]);
    expect(split.invalid).toEqual([
      { command: tooLong, error: expect.objectContaining({ recordId: "e3", field: "seq" }) },
    ]);
  });
});

describe("planGuardedTransactions", () => {
  it("puts at most 50 writes in a transaction, in order", () => {
    const writes = Array.from({ length: 120 }, (_, i) => guarded(`k${i}`, "1"));
    const plan = planGuardedTransactions(writes);
    expect(plan.map((t) => t.length)).toEqual([50, 50, 20]);
    expect(plan.flat()).toEqual(writes);
  });

  it("never puts two writes of one key in a transaction", () => {
    const writes = [guarded("a", "1"), guarded("b", "1"), guarded("a", "2"), guarded("a", "3")];
    expect(planGuardedTransactions(writes)).toEqual([
      [writes[0], writes[1]],
      [writes[2]],
      [writes[3]],
    ]);
  });

  it("keeps each transaction within 4 MB (ten items of 390 KB fit, eleven do not)", () => {
    const big = { blob: { S: "x".repeat(390_000) } };
    const writes = Array.from({ length: 25 }, (_, i) => guarded(`k${i}`, "1", big));
    const plan = planGuardedTransactions(writes);
    expect(plan.map((t) => t.length)).toEqual([10, 10, 5]);
  });
});

describe("readCancellation", () => {
  const [a, b, c] = ["a", "b", "c"];

  it("marks writes whose version condition failed as stale and retries the rest at once", () => {
    expect(
      readCancellation(
        [a, b, c],
        ["None", "None", "ConditionalCheckFailed", "None", "None", "None"],
      ),
    ).toEqual({ stale: [b], invalid: [], retry: [a, c], transient: false });
  });

  it("marks writes with a ValidationError as invalid", () => {
    expect(readCancellation([a, b], ["None", "ValidationError", "None", "None"])).toEqual({
      stale: [],
      invalid: [a],
      retry: [b],
      transient: false,
    });
  });

  it("asks for a backoff on conflicts, throttling, or reasons that name no write", () => {
    expect(
      readCancellation([a, b], ["ConditionalCheckFailed", "None", "TransactionConflict", "None"]),
    ).toEqual({ stale: [a], invalid: [], retry: [b], transient: true });
    expect(readCancellation([a], [])).toEqual({
      stale: [],
      invalid: [],
      retry: [a],
      transient: true,
    });
  });
});
