import { isMarker, type MarkerLayout } from "./aggregateMarkers.js";
import type { AttributeMap, AttributeValue } from "./attributeValue.js";

/**
 * Exactly-once progress of one aggregation over one stream shard: the sequence number of the
 * last record applied. Within a shard, sequence numbers increase and Lambda first delivers
 * records in order, so "applied" = "at or below the watermark". The watermark item lives in the
 * totals table next to the totals (same key attributes as the markers, see {@link MarkerLayout}).
 */

/** Prefix of a watermark's partition key value (distinct from the markers' prefix). */
export const WATERMARK_PREFIX = "__pipeline_watermark__#";

/** The attribute holding the watermark: a sequence number padded to 40 digits (sorts as a number). */
export const WATERMARK_ATTRIBUTE = "appliedThrough";

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

/**
 * Whether `sequence` is past the watermark (`watermark` padded, or undefined when none exists).
 * @example isPast("300", paddedSequence("222")) // true
 */
export const isPast = (sequence: string, watermark: string | undefined): boolean => {
  const padded = paddedSequence(sequence);
  return padded !== undefined && (watermark === undefined || padded > watermark);
};

const SORT_VALUE: Readonly<Record<"S" | "N" | "B", AttributeValue>> = {
  S: { S: "-" },
  N: { N: "0" },
  B: { B: "LQ==" },
};

/**
 * The key of the watermark of one shard, scoped like the markers by the aggregation id.
 * @example watermarkKey(layout, "shardId-0001") // { order_date: { S: "__pipeline_watermark__#…#shardId-0001" }, item_number: { S: "-" } }
 */
export const watermarkKey = (layout: MarkerLayout, shardId: string): AttributeMap => {
  const scope = layout.aggregationId === undefined ? "" : `${layout.aggregationId}#`;
  const partition = { [layout.partitionKey]: { S: `${WATERMARK_PREFIX}${scope}${shardId}` } };
  return layout.sortKey === undefined
    ? partition
    : { ...partition, [layout.sortKey]: SORT_VALUE[layout.sortKeyType ?? "S"] };
};

/**
 * The watermark item of a shard at `padded` (see {@link paddedSequence}), expiring `ttlSeconds`
 * after `nowMs` (a shard is read within the stream's 24 h retention).
 * @example watermarkItem(layout, "shardId-0001", paddedSequence("222") ?? "", clock())
 */
export const watermarkItem = (
  layout: MarkerLayout,
  shardId: string,
  padded: string,
  nowMs: number,
): AttributeMap => ({
  ...watermarkKey(layout, shardId),
  [WATERMARK_ATTRIBUTE]: { S: padded },
  [layout.ttlAttribute]: { N: String(Math.floor(nowMs / 1000) + layout.ttlSeconds) },
});

/**
 * Whether an item of the totals table is a watermark rather than a total.
 * @example scan(totals).filter((item) => !isWatermark(layout, item))
 */
export const isWatermark = (layout: MarkerLayout, item: AttributeMap): boolean => {
  const pk = item[layout.partitionKey];
  return pk !== undefined && "S" in pk && pk.S.startsWith(WATERMARK_PREFIX);
};

/**
 * Whether an item of the totals table is exactly-once bookkeeping (a marker or a watermark)
 * rather than a total.
 * @example scan(totals).filter((item) => !isBookkeeping(layout, item))
 */
export const isBookkeeping = (layout: MarkerLayout, item: AttributeMap): boolean =>
  isMarker(layout, item) || isWatermark(layout, item);
