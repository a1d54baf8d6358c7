/**
 * Sequence numbers of a DynamoDB stream shard, as watermark mode compares them: within a shard
 * they increase, and Lambda first delivers records in order, so "applied to a total" = "at or
 * below that total's watermark for the shard" (domain/totalWatermarks.ts).
 */

/** DynamoDB stream sequence numbers have 21 to 40 digits (Kinesis: up to 128 characters, unused here). */
const SEQUENCE = /^[0-9]{1,40}$/;

/**
 * A sequence number padded with zeros to 40 digits, so that string order (the one DynamoDB's
 * `<` uses on S values) is numeric order; undefined when it is not 1 to 40 digits.
 * @example paddedSequence("111") // "0000000000000000000000000000000000000111"
 */
export const paddedSequence = (sequence: string): string | undefined =>
  SEQUENCE.test(sequence) ? sequence.padStart(40, "0") : undefined;

/**
 * Whether sequence numbers increase strictly along the list, every one of them 1 to 40 digits:
 * the condition for applying a batch in watermark mode.
 * @example increasing(["111", "222"]) // true
 */
export const increasing = (sequences: ReadonlyArray<string>): boolean => {
  let previous = "";
  for (const sequence of sequences) {
    const padded = paddedSequence(sequence);
    if (padded === undefined || padded <= previous) return false;
    previous = padded;
  }
  return true;
};
