import type { RecordDeltas } from "./aggregateDeltas.js";
import { paddedSequence } from "./aggregateWatermark.js";
import { type AttributeMap, canonicalKey } from "./attributeValue.js";
import { addNumbers } from "./decimal.js";
import { fnv1aHex } from "./stableHash.js";

/**
 * Watermark mode of the aggregation: each total carries, per stream shard, the sequence number
 * of the last record of that shard applied to it (an attribute of the total's own item). A
 * batch's records are grouped by total; each total takes, in ONE conditional UpdateItem, the sum
 * of the records past its watermark and its watermark moved to the last of them. Records at or
 * below a total's watermark were applied to it before (a redelivery) and are skipped.
 */

/** Prefix of the attributes holding a total's watermarks (one per aggregation and shard). */
export const WATERMARK_ATTRIBUTE_PREFIX = "__wm_";

/**
 * How long a watermark (or a stamp) is kept after its last write: twice the stream's 24 hours,
 * as the markers' TTL. DynamoDB Streams keeps records 24 hours and trims older ones at some
 * point after that (no bound is stated), and Lambda retries a failing batch until its records
 * expire: the margin keeps the bookkeeping of a record for as long as it can be delivered.
 */
export const WATERMARK_RETENTION_SECONDS = 48 * 3600;

/**
 * The attribute holding one shard's watermark in the totals of one aggregation: the prefix and
 * 16 hex digits of a hash of both (short, so the item stays small; names never collide in
 * practice: a few shards per day against 2^64).
 * @example watermarkAttributeOf("3f1c0a9b77e2", "shardId-00000001") // "__wm_…" (21 characters)
 */
export const watermarkAttributeOf = (
  aggregationId: string | undefined,
  shardId: string,
): string => {
  const text = JSON.stringify([aggregationId ?? "", shardId]);
  return `${WATERMARK_ATTRIBUTE_PREFIX}${fnv1aHex(text, 0x811c9dc5)}${fnv1aHex(text, 0x050c5d1f)}`;
};

/**
 * The stored value of a watermark: the sequence number padded to 40 digits, `@`, and the time it
 * was written (epoch seconds). It compares with a padded sequence number as the sequence does:
 * `value < first` holds exactly when the watermark's sequence is below `first`.
 * @example watermarkValue(paddedSequence("222") ?? "", 1_700_000_000_000) // "000…0222@1700000000"
 */
export const watermarkValue = (padded: string, nowMs: number): string =>
  `${padded}@${Math.floor(nowMs / 1000)}`;

/**
 * The padded sequence number of a stored watermark value, undefined when it is not one.
 * @example watermarkSequenceOf("000…0222@1700000000") // "000…0222"
 */
export const watermarkSequenceOf = (value: string): string | undefined => {
  const sequence = value.slice(0, 40);
  return /^[0-9]{40}$/.test(sequence) ? sequence : undefined;
};

/**
 * The watermark attributes of `item` not written for longer than
 * {@link WATERMARK_RETENTION_SECONDS} at `nowMs`: no record at or below them can be delivered
 * again, so they can be removed (conditionally on their value, in case one is moved meanwhile).
 * @example staleWatermarks(item, Date.now()) // [{ name: "__wm_…", value: "…@1700000000" }]
 */
export const staleWatermarks = (
  item: AttributeMap,
  nowMs: number,
): ReadonlyArray<{ readonly name: string; readonly value: string }> =>
  Object.entries(item).flatMap(([name, value]) => {
    if (!name.startsWith(WATERMARK_ATTRIBUTE_PREFIX) || !("S" in value)) return [];
    // The epoch second after "@" (a stamp may carry a suffix after it).
    const written = Number(/^[0-9]+/.exec(value.S.slice(41))?.[0] ?? Number.NaN);
    return value.S[40] === "@" &&
      Number.isSafeInteger(written) &&
      written + WATERMARK_RETENTION_SECONDS < nowMs / 1000
      ? [{ name, value: value.S }]
      : [];
  });

/** One record's amount for one total, with its padded sequence number. */
export interface Contribution {
  readonly eventId: string;
  readonly sequenceNumber: string;
  /** Padded to 40 digits. */
  readonly padded: string;
  readonly amount: string;
}

/** The contributions of a batch's records to one total, in stream order. */
export interface TotalContributions {
  readonly key: AttributeMap;
  readonly contributions: ReadonlyArray<Contribution>;
}

/**
 * Groups a batch's deltas by total, in stream order (totals in the order they first appear).
 * Records whose sequence number is not 1 to 40 digits are left out (callers check
 * {@link increasing} first).
 * @example contributionsByTotal(records).map((total) => total.contributions.length)
 */
export const contributionsByTotal = (
  records: ReadonlyArray<RecordDeltas>,
): ReadonlyArray<TotalContributions> => {
  const totals = new Map<string, { key: AttributeMap; contributions: Contribution[] }>();
  for (const record of records) {
    const padded = paddedSequence(record.sequenceNumber);
    if (padded === undefined) continue;
    for (const delta of record.deltas) {
      const id = canonicalKey(delta.key);
      const total = totals.get(id) ?? { key: delta.key, contributions: [] };
      totals.set(id, total);
      const { eventId, sequenceNumber } = record;
      total.contributions.push({ eventId, sequenceNumber, padded, amount: delta.amount });
    }
  }
  return [...totals.values()];
};

/** What a total still needs from a batch, past its watermark. */
export interface PendingAdvance {
  /** Sum of the contributions past the watermark (may be zero). */
  readonly amount: string;
  readonly first: Contribution;
  readonly last: Contribution;
  readonly contributions: ReadonlyArray<Contribution>;
}

/**
 * The contributions past `watermark` (padded; undefined: none yet) and their sum, or undefined
 * when every contribution is at or below it (all applied before).
 * @example pendingPast(total.contributions, watermarkSequenceOf(stored))?.amount
 */
export const pendingPast = (
  contributions: ReadonlyArray<Contribution>,
  watermark: string | undefined,
): PendingAdvance | undefined => {
  const past = contributions.filter((c) => watermark === undefined || c.padded > watermark);
  const [first] = past;
  const last = past[past.length - 1];
  if (first === undefined || last === undefined) return undefined;
  const amount = past.reduce((sum, c) => addNumbers(sum, c.amount), "0");
  return { amount, first, last, contributions: past };
};

/**
 * A total's item without its watermark attributes: the total as a reader sees it.
 * @example withoutWatermarks(item) // { order_date, item_number, quantity }
 */
export const withoutWatermarks = (item: AttributeMap): AttributeMap =>
  Object.fromEntries(
    Object.entries(item).filter(([name]) => !name.startsWith(WATERMARK_ATTRIBUTE_PREFIX)),
  );
