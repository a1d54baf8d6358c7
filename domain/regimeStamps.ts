import type { AttributeMap } from "./attributeValue.js";
import {
  WATERMARK_ATTRIBUTE_PREFIX,
  WATERMARK_RETENTION_SECONDS,
  watermarkAttributeOf,
  watermarkSequenceOf,
} from "./totalWatermarks.js";

/**
 * The two exactly-once bookkeepings of the aggregation honour each other through two stamps on
 * each total, one per bookkeeping and aggregation: the time a marker transaction last wrote the
 * total (`markers`), and the time a watermark write last wrote it (`watermarks`). A stamp is a
 * watermark attribute of a reserved pseudo-shard whose sequence is all zeros, so readers and
 * pruning treat it as a watermark: it is removed after {@link WATERMARK_RETENTION_SECONDS} idle,
 * when no record it speaks for can be delivered again.
 *
 * - A watermark write refuses a total stamped by markers in the last 48 hours: records of the
 *   stream still deliverable may have been applied there by markers, which a watermark cannot see.
 * - A marker transaction that knows the batch's shard refuses the records its shard's watermark
 *   covers; one that does not (no tumbling window) refuses a total stamped by watermark writes in
 *   the last 48 hours until the batch's shard is known or no watermark covers its records.
 */

const ZERO_SEQUENCE = "0".repeat(40);
/** Seconds in a stamp: 12 digits, so stamps compare as strings in time order. */
const SECONDS_DIGITS = 12;

/**
 * The stamp attributes of one aggregation on its totals.
 * @example const { markers, watermarks } = regimeStampAttributes("3f1c0a9b77e2");
 */
export interface RegimeStampAttributes {
  /** Written by every marker transaction (marker mode). */
  readonly markers: string;
  /** Written by every watermark write (watermark mode). */
  readonly watermarks: string;
}

/**
 * The stamp attributes of an aggregation (`__wm_` + a hash, like its shard watermarks).
 * @example regimeStampAttributes("3f1c0a9b77e2").markers // "__wm_…"
 */
export const regimeStampAttributes = (
  aggregationId: string | undefined,
): RegimeStampAttributes => ({
  markers: watermarkAttributeOf(aggregationId, "#markers"),
  watermarks: watermarkAttributeOf(aggregationId, "#watermarks"),
});

/**
 * A stamp's value at `nowMs`: 40 zeros, `@`, the epoch second in 12 digits, and, given, `#` and a
 * value unique to the write (so that a guard "the stamp is still the one seen" notices any write
 * since, even in the same second).
 * @example regimeStamp(1_700_000_000_000, "5f2c9a1e") // "000…000@001700000000#5f2c9a1e"
 */
export const regimeStamp = (nowMs: number, unique?: string): string =>
  `${ZERO_SEQUENCE}@${String(Math.max(0, Math.floor(nowMs / 1000))).padStart(SECONDS_DIGITS, "0")}${unique === undefined ? "" : `#${unique}`}`;

/**
 * The oldest stamp still recent at `nowMs` ({@link WATERMARK_RETENTION_SECONDS} before it): a
 * stamp `>=` it may speak for records still deliverable.
 * @example regimeHorizon(Date.now()) < regimeStamp(Date.now()) // true
 */
export const regimeHorizon = (nowMs: number): string =>
  regimeStamp(nowMs - WATERMARK_RETENTION_SECONDS * 1000);

/**
 * Whether a stamp (an attribute value, possibly absent) is recent at `nowMs`.
 * @example isRecentStamp(item[stamps.markers], Date.now())
 */
export const isRecentStamp = (value: AttributeMap[string] | undefined, nowMs: number): boolean =>
  value !== undefined && "S" in value && value.S >= regimeHorizon(nowMs);

/**
 * A shard's watermark found on a total: its attribute and padded sequence number.
 * @example const watermark: ShardWatermark = { attribute: "__wm_6c9721f6b365bcfc", padded: "0000000000000000000100000000000000000020" };
 */
export interface ShardWatermark {
  readonly attribute: string;
  readonly padded: string;
}

/**
 * The shard watermarks an item carries (of any aggregation), stamps left out.
 * @example shardWatermarks(item).map((w) => w.padded)
 */
export const shardWatermarks = (item: AttributeMap): ReadonlyArray<ShardWatermark> =>
  Object.entries(item).flatMap(([attribute, value]) => {
    if (!attribute.startsWith(WATERMARK_ATTRIBUTE_PREFIX) || !("S" in value)) return [];
    const padded = watermarkSequenceOf(value.S);
    return padded === undefined || padded === ZERO_SEQUENCE ? [] : [{ attribute, padded }];
  });
