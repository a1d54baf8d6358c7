import { SEQUENCE_DIGITS } from "./sequenceGuard.js";

/**
 * Ordering CSV rows across versions of one S3 object. S3 event notifications carry
 * `s3.object.sequencer` (EventBridge: `detail.object.sequencer`), a hexadecimal string that grows
 * with each PUT or DELETE of a key; two sequencers of one key compare by left-padding the shorter
 * with zeros (S3 User Guide, "Event message structure"). A row's `seq` is that number in decimal,
 * times 10^{@link LINE_DIGITS}, plus the row's line: rows of a newer version always outrank rows of
 * an older one, and within one object a later line outranks an earlier one. The sequence guard
 * (VERSION_TABLE) and `lastPerKey` then keep the newest row per item key.
 */

/** Decimal digits reserved for the line number in a row's `seq`. */
export const LINE_DIGITS = 12;

/** Longest sequencer whose decimal value leaves room for the line in {@link SEQUENCE_DIGITS}. */
export const MAX_SEQUENCER_HEX = 29;

/**
 * The numeric value of a sequencer, or a sentence saying why it cannot order rows.
 * @example sequencerValue("0055AED6DCD90281E5") // { value: 6174108383193498085n }
 */
export const sequencerValue = (
  sequencer: string,
): { readonly value: bigint } | { readonly problem: string } => {
  if (!/^[0-9A-Fa-f]+$/.test(sequencer)) return { problem: "not a hexadecimal string" };
  const digits = sequencer.replace(/^0+(?=.)/, "");
  if (digits.length > MAX_SEQUENCER_HEX)
    return { problem: `longer than ${MAX_SEQUENCER_HEX} significant hexadecimal digits` };
  return { value: BigInt(`0x${digits}`) };
};

/**
 * The `seq` of the row at `line` of the object version named by `sequencer` (its value, from
 * {@link sequencerValue}): decimal, at most {@link SEQUENCE_DIGITS} digits.
 * @example rowSequence(0x10n, 3) // "16000000000003"
 */
export const rowSequence = (sequencer: bigint, line: number): string =>
  (sequencer * 10n ** BigInt(LINE_DIGITS) + BigInt(line)).toString();

/**
 * Compares two sequencers of one key as S3 documents: left-pad to equal length, then compare.
 * @example compareSequencers("FF", "0100") // -1
 */
export const compareSequencers = (a: string, b: string): number => {
  const width = Math.max(a.length, b.length);
  const left = a.toUpperCase().padStart(width, "0");
  const right = b.toUpperCase().padStart(width, "0");
  return left < right ? -1 : left > right ? 1 : 0;
};
