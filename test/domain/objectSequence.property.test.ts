import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LINE_DIGITS,
  rowSequence,
  SEQUENCER_HEX_DIGITS,
  sequencerValue,
} from "../../domain/objectSequence.js";
import { padSequence, SEQUENCE_DIGITS } from "../../domain/sequenceGuard.js";

/**
 * S3 User Guide, "Event message structure": sequencers can be of different lengths; to compare
 * two, right-pad the shorter with zeros, then compare lexicographically. Written here from the
 * documentation, not from the code under test.
 */
const awsOrder = (a: string, b: string): number => {
  const width = Math.max(a.length, b.length);
  const [left, right] = [a.padEnd(width, "0"), b.padEnd(width, "0")];
  return left < right ? -1 : left > right ? 1 : 0;
};

const digits = (max: number) =>
  fc
    .array(fc.constantFrom(..."0123456789ABCDEF"), { minLength: 0, maxLength: max })
    .map((d) => d.join(""));
const zeros = fc.integer({ min: 0, max: 6 }).map((n) => "0".repeat(n));
/** Uppercase hexadecimal (as S3 writes it), often with leading and trailing zeros. */
const sequencer = fc
  .tuple(zeros, digits(SEQUENCER_HEX_DIGITS + 4), zeros)
  .map((parts) => parts.join(""))
  .filter((text) => text.length > 0);
const line = fc.integer({ min: 1, max: 10 ** LINE_DIGITS - 1 });

const seqOf = (text: string, at: number): string | undefined => {
  const value = sequencerValue(text);
  return "value" in value ? padSequence(rowSequence(value.value, at)) : undefined;
};

describe("row sequence numbers from S3 sequencers", () => {
  it("order rows as S3 orders their versions (right-pad, then lexicographic), then by line, within the guard's 48 digits", () => {
    fc.assert(
      fc.property(sequencer, line, sequencer, line, (s1, l1, s2, l2) => {
        const [a, b] = [seqOf(s1, l1), seqOf(s2, l2)];
        fc.pre(a !== undefined && b !== undefined);
        expect(a).toHaveLength(SEQUENCE_DIGITS);
        const byVersion = awsOrder(s1, s2);
        const expected = byVersion !== 0 ? byVersion : Math.sign(l1 - l2);
        expect(a < b ? -1 : a > b ? 1 : 0).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuse exactly the sequencers with more than the padded width before their trailing zeros", () => {
    fc.assert(
      fc.property(sequencer, (text) => {
        const fits = text.replace(/0+$/, "").length <= SEQUENCER_HEX_DIGITS;
        expect("value" in sequencerValue(text)).toBe(fits);
      }),
    );
  });

  it("the padded width is the widest that leaves the line its digits", () => {
    const room = 10n ** BigInt(SEQUENCE_DIGITS - LINE_DIGITS);
    expect(16n ** BigInt(SEQUENCER_HEX_DIGITS)).toBeLessThanOrEqual(room);
    expect(16n ** BigInt(SEQUENCER_HEX_DIGITS + 1)).toBeGreaterThan(room);
    // The last row of the largest sequencer still fits the guard's padded width.
    const largest = seqOf("F".repeat(SEQUENCER_HEX_DIGITS), 10 ** LINE_DIGITS - 1);
    expect(largest).toMatch(new RegExp(`^[0-9]{${SEQUENCE_DIGITS}}$`));
  });

  it("cases from the documented rule, and what it refuses", () => {
    const seq = (text: string) => seqOf(text, 1) ?? "refused";
    // "FF" is read "FF00": after "0100" (by value it would be before).
    expect(seq("FF") > seq("0100")).toBe(true);
    // A leading zero counts: "0F" is before "1" (read "10").
    expect(seq("0F") < seq("1")).toBe(true);
    // Trailing zeros do not: "FF", "FF0" and "FF00" are the same point.
    expect(seq("FF0")).toBe(seq("FF"));
    expect(seq("ff00")).toBe(seq("FF"));
    expect(sequencerValue("FF")).toEqual({ value: 0xff000000000000000000000000000n });
    expect(sequencerValue("")).toHaveProperty("problem");
    expect(sequencerValue("00G1")).toHaveProperty("problem");
    expect(sequencerValue("1".repeat(SEQUENCER_HEX_DIGITS + 1))).toHaveProperty("problem");
    expect(sequencerValue(`0${"F".repeat(SEQUENCER_HEX_DIGITS)}`)).toHaveProperty("problem");
    expect(sequencerValue(`${"F".repeat(SEQUENCER_HEX_DIGITS)}000`)).toHaveProperty("value");
  });
});
