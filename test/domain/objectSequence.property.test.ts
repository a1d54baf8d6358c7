import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareSequencers,
  MAX_SEQUENCER_HEX,
  rowSequence,
  sequencerValue,
} from "../../domain/objectSequence.js";
import { padSequence } from "../../domain/sequenceGuard.js";

const hex = fc
  .array(fc.constantFrom(..."0123456789ABCDEF"), { minLength: 1, maxLength: MAX_SEQUENCER_HEX })
  .map((digits) => digits.join(""));
const line = fc.integer({ min: 1, max: 999_999_999_999 });

const seqOf = (sequencer: string, at: number): string => {
  const value = sequencerValue(sequencer);
  if (!("value" in value)) throw new Error(value.problem);
  return padSequence(rowSequence(value.value, at)) ?? "does not fit";
};

/** S3 User Guide: sequencers of one key compare by left-padding to equal length. */
describe("row sequence numbers from S3 sequencers", () => {
  it("order rows as S3 orders their versions, then by line, and fit the guard's 48 digits", () => {
    fc.assert(
      fc.property(hex, line, hex, line, (s1, l1, s2, l2) => {
        const a = seqOf(s1, l1);
        const b = seqOf(s2, l2);
        expect(a).toHaveLength(48);
        const byVersion = compareSequencers(s1, s2);
        const expected = byVersion !== 0 ? byVersion : Math.sign(l1 - l2);
        expect(Math.sign(a < b ? -1 : a > b ? 1 : 0)).toBe(expected);
      }),
    );
  });

  it("refuses what is not hexadecimal, or too long to leave room for the line", () => {
    expect(sequencerValue("")).toHaveProperty("problem");
    expect(sequencerValue("00G1")).toHaveProperty("problem");
    expect(sequencerValue("1".repeat(MAX_SEQUENCER_HEX + 1))).toHaveProperty("problem");
    expect(sequencerValue(`000${"F".repeat(MAX_SEQUENCER_HEX)}`)).toHaveProperty("value");
    expect(compareSequencers("FF", "0100")).toBe(-1);
    expect(compareSequencers("00ff", "FF")).toBe(0);
  });
});
