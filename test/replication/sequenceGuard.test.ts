import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import {
  type GuardedWrite,
  padSequence,
  planGuardedTransactions,
  readCancellation,
  splitBySequence,
  versionKeyText,
} from "../../domain/sequenceGuard.js";
import {
  type CommandVersion,
  isNewerThanStored,
  refusalOf,
  versionCondition,
  versionItem,
} from "../../domain/versionItem.js";
import { compareSequenceNumbers } from "../../domain/writeCommand.js";
import { deleteOf, putOf } from "../support/sqs.js";

const schema = { partitionKey: "id" };
const key = (id: string): AttributeMap => ({ id: { S: id } });
const guarded = (id: string, seq: string, extra: AttributeMap = {}): GuardedWrite => ({
  command: putOf({ ...key(id), ...extra }, schema, `e-${id}-${seq}`, seq),
  versionKey: `v-${id}`,
  version: { seq: padSequence(seq) ?? "" },
});

const USERS = "arn:aws:dynamodb:eu-west-1:123456789012:table/users";
const OTHER = "arn:aws:dynamodb:eu-west-1:123456789012:table/other";
const v = (seq: string, table?: string, label = "2026-01-01T00:00:00.000"): CommandVersion => ({
  seq: padSequence(seq) ?? "",
  ...(table === undefined ? {} : { origin: { table, label } }),
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

  it("holds the padded seq, the source table and stream label of a stream's command, and no expiry unless one is given (epoch seconds)", () => {
    expect(versionItem("k", { seq: "0042" })).toEqual({ pk: { S: "k" }, seq: { S: "0042" } });
    expect(versionItem("k", { seq: "0042" }, 1_000)).toEqual({
      pk: { S: "k" },
      seq: { S: "0042" },
      expiresAt: { N: "1000" },
    });
    expect(
      versionItem("k", { seq: "0042", origin: { table: USERS, label: "2026-01-01T00:00:00.000" } }),
    ).toEqual({
      pk: { S: "k" },
      seq: { S: "0042" },
      sourceTable: { S: USERS },
      streamLabel: { S: "2026-01-01T00:00:00.000" },
    });
  });

  it("without a stream: attribute_not_exists(pk) OR seq < :seq, whatever the stored item names", () => {
    const stored = versionItem("k", v("5"));
    expect(versionCondition(v("5")).expression).toBe("attribute_not_exists(#pk) OR #seq < :seq");
    expect(isNewerThanStored(undefined, v("1"))).toBe(true);
    expect(isNewerThanStored(stored, v("6"))).toBe(true);
    expect(isNewerThanStored(stored, v("5"))).toBe(false);
    expect(isNewerThanStored(stored, v("4"))).toBe(false);
    expect(isNewerThanStored({ pk: { S: "k" } }, v("4"))).toBe(false);
    expect(isNewerThanStored(versionItem("k", v("5", USERS)), v("6"))).toBe(true);
  });

  it("with a stream: a later label of the same table wins whatever its seq; an item without a table compares by seq; another table never", () => {
    const stored = versionItem("k", v("900", USERS, "2026-01-01T00:00:00.000"));
    expect(isNewerThanStored(stored, v("901", USERS, "2026-01-01T00:00:00.000"))).toBe(true);
    expect(isNewerThanStored(stored, v("900", USERS, "2026-01-01T00:00:00.000"))).toBe(false);
    expect(isNewerThanStored(stored, v("1", USERS, "2026-03-01T00:00:00.000"))).toBe(true);
    expect(isNewerThanStored(stored, v("999", USERS, "2025-12-31T23:59:59.999"))).toBe(false);
    expect(isNewerThanStored(stored, v("999", OTHER, "2026-03-01T00:00:00.000"))).toBe(false);
    const legacy = versionItem("k", v("900"));
    expect(isNewerThanStored(legacy, v("901", USERS))).toBe(true);
    expect(isNewerThanStored(legacy, v("899", USERS, "2027-01-01T00:00:00.000"))).toBe(false);
  });

  it("tells a stale command from another source table's by the stored item", () => {
    const stored = versionItem("k", v("900", USERS));
    expect(refusalOf(stored, v("800", USERS))).toEqual({ kind: "stale" });
    expect(refusalOf(stored, v("999", OTHER))).toEqual({ kind: "otherSource", stored: USERS });
    expect(refusalOf(stored, v("800"))).toEqual({ kind: "stale" });
    expect(refusalOf(versionItem("k", v("900")), v("800", OTHER))).toEqual({ kind: "stale" });
    expect(refusalOf(undefined, v("800", OTHER))).toEqual({ kind: "stale" });
  });
});

describe("splitBySequence", () => {
  it("separates commands without seq and refuses unpaddable ones and streams that are not stream ARNs", () => {
    const plain = deleteOf(key("a"), "s3://b/k#1");
    const ok = deleteOf(key("b"), "e2", "12");
    const tooLong = deleteOf(key("c"), "e3", "9".repeat(49));
    const streamed = {
      ...deleteOf(key("d"), "e4", "7"),
      stream: `${USERS}/stream/2026-01-01T00:00:00.000`,
    };
    const notAStream = { ...deleteOf(key("e"), "e5", "7"), stream: "arn:aws:sqs:eu-west-1:1:q" };
    const split = splitBySequence([plain, ok, tooLong, streamed, notAStream], (k) =>
      JSON.stringify(k),
    );
    expect(split.unguarded).toEqual([plain]);
    expect(split.guarded).toEqual([
      { command: ok, versionKey: JSON.stringify(key("b")), version: v("12") },
      { command: streamed, versionKey: JSON.stringify(key("d")), version: v("7", USERS) },
    ]);
    expect(split.invalid).toEqual([
      { command: tooLong, error: expect.objectContaining({ recordId: "e3", field: "seq" }) },
      { command: notAStream, error: expect.objectContaining({ recordId: "e5", field: "stream" }) },
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
