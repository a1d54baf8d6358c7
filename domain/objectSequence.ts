import { SEQUENCE_DIGITS } from "./sequenceGuard.js";

/**
 * Ordering CSV rows across versions of one S3 object. S3 event notifications carry
 * `s3.object.sequencer` (EventBridge: `detail.object.sequencer`), a hexadecimal string that grows
 * with each PUT or DELETE of a key. Sequencers of one key can differ in length; S3 User Guide,
 * "Event message structure": the shorter is right-padded with zeros, then the two are compared
 * lexicographically. So a leading zero counts ("0F" is before "1", read "10") and a trailing one
 * does not ("FF" and "FF0" are the same point; "FF", read "FF00", is after "0100").
 *
 * Every sequencer is therefore right-padded to {@link SEQUENCER_HEX_DIGITS} hexadecimal digits
 * before it is read as a number: for two sequencers of that width, lexicographic order is numeric
 * order. A row's `seq` is that number in decimal, times 10^{@link LINE_DIGITS}, plus the row's
 * line: rows of a newer version always outrank rows of an older one, and within one object a
 * later line outranks an earlier one. The sequence guard (VERSION_TABLE) and `lastPerKey` then
 * keep the newest row per item key.
 */

/** Decimal digits reserved for the line number in a row's `seq` (lines up to 10^12 − 1). */
export const LINE_DIGITS = 12;

/**
 * The width every sequencer is right-padded to: the most hexadecimal digits whose value, times
 * 10^{@link LINE_DIGITS}, stays within {@link SEQUENCE_DIGITS} decimal digits (16^29 < 10^36 <
 * 16^30). S3's sequencers have 16 to 18 digits.
 */
export const SEQUENCER_HEX_DIGITS = 29;

/**
 * The value of a sequencer right-padded with zeros to {@link SEQUENCER_HEX_DIGITS} digits (so
 * values order as S3 orders sequencers), or a sentence saying why it cannot order rows: not
 * hexadecimal, or more than {@link SEQUENCER_HEX_DIGITS} digits before its trailing zeros.
 * @example sequencerValue("FF") // { value: 0xFF000000000000000000000000000n }
 */
export const sequencerValue = (
  sequencer: string,
): { readonly value: bigint } | { readonly problem: string } => {
  if (!/^[0-9A-Fa-f]+$/.test(sequencer)) return { problem: "not a hexadecimal string" };
  // Trailing zeros change nothing once right-padded: only the digits before them must fit.
  const significant = sequencer.replace(/0+$/, "");
  if (significant.length > SEQUENCER_HEX_DIGITS)
    return {
      problem: `longer than ${SEQUENCER_HEX_DIGITS} hexadecimal digits (trailing zeros aside): its rows could not be ordered within ${SEQUENCE_DIGITS}-digit sequence numbers`,
    };
  return { value: BigInt(`0x${significant.padEnd(SEQUENCER_HEX_DIGITS, "0")}`) };
};

/**
 * The `seq` of the row at `line` of the object version named by `sequencer` (its value, from
 * {@link sequencerValue}): decimal, at most {@link SEQUENCE_DIGITS} digits.
 * @example rowSequence(0x10n, 3) // "16000000000003"
 */
export const rowSequence = (sequencer: bigint, line: number): string =>
  (sequencer * 10n ** BigInt(LINE_DIGITS) + BigInt(line)).toString();
