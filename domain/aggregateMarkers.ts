import type { AggregateSpec } from "./aggregateSpec.js";
import type { AttributeMap } from "./attributeValue.js";

/**
 * Where marker items live in the totals table: the same key attributes as the totals, a value
 * prefix no total can take (day totals are `YYYY-MM-DD`), and a TTL attribute. The first key
 * attribute must be a string (S). Enable TTL on `ttlAttribute` so markers expire by themselves.
 */
export interface MarkerLayout {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly ttlAttribute: string;
  /** How long a marker is kept: longer than the stream's 24 h retention. */
  readonly ttlSeconds: number;
}

/** Prefix of a marker's partition key value. */
export const MARKER_PREFIX = "__pipeline_marker__#";

/**
 * The marker layout for a spec: keys from `groupBy`, TTL attribute `expiresAt`, kept 48 hours.
 * @example markerLayoutOf(seedAggregateSpec).partitionKey // "order_date"
 */
export const markerLayoutOf = (
  spec: AggregateSpec,
  ttlAttribute = "expiresAt",
  ttlSeconds = 48 * 3600,
): MarkerLayout => {
  const [pk, sk] = spec.groupBy;
  return sk === undefined
    ? { partitionKey: pk.target, ttlAttribute, ttlSeconds }
    : { partitionKey: pk.target, sortKey: sk.target, ttlAttribute, ttlSeconds };
};

/**
 * The key of the marker of one stream record.
 * @example markerKey(layout, "evt-1") // { order_date: { S: "__pipeline_marker__#evt-1" }, item_number: { S: "-" } }
 */
export const markerKey = (layout: MarkerLayout, eventId: string): AttributeMap =>
  layout.sortKey === undefined
    ? { [layout.partitionKey]: { S: `${MARKER_PREFIX}${eventId}` } }
    : { [layout.partitionKey]: { S: `${MARKER_PREFIX}${eventId}` }, [layout.sortKey]: { S: "-" } };

/**
 * The marker item of one stream record, expiring `ttlSeconds` after `nowMs`.
 * @example markerItem(layout, "evt-1", clock())
 */
export const markerItem = (layout: MarkerLayout, eventId: string, nowMs: number): AttributeMap => ({
  ...markerKey(layout, eventId),
  [layout.ttlAttribute]: { N: String(Math.floor(nowMs / 1000) + layout.ttlSeconds) },
});

/**
 * Whether an item of the totals table is a marker rather than a total.
 * @example scan(totals).filter((item) => !isMarker(layout, item))
 */
export const isMarker = (layout: MarkerLayout, item: AttributeMap): boolean => {
  const pk = item[layout.partitionKey];
  return pk !== undefined && "S" in pk && pk.S.startsWith(MARKER_PREFIX);
};
