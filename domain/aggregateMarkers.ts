import * as E from "fp-ts/lib/Either.js";
import type { AggregateSpec } from "./aggregateSpec.js";
import type { AttributeMap, AttributeValue } from "./attributeValue.js";
import { type ConfigurationError, configurationError } from "./errors.js";
import { fnv1aHex } from "./stableHash.js";

/**
 * Where marker items live in the totals table: the same key attributes as the totals, a value
 * prefix no total can take (day totals are `YYYY-MM-DD`), and a TTL attribute. The partition key
 * must be a string (S): it carries the prefix. Enable TTL on `ttlAttribute` so markers expire.
 */
export interface MarkerLayout {
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** The sort key's type in the totals table (default S): the marker's sort key is `-`, `0` or byte `-`. */
  readonly sortKeyType?: "S" | "N" | "B";
  /**
   * Scopes the markers to one aggregation, so several aggregations of the same stream can share
   * a totals table (unscoped when absent). See {@link aggregationIdOf}.
   */
  readonly aggregationId?: string;
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

/** 32-bit FNV-1a of a string's UTF-16 code units, from `seed`, as 8 hex digits. */
/**
 * The default identity of an aggregation: a short stable hash (12 hex digits) of its spec and
 * totals table, so two aggregations writing one totals table keep separate markers, and a
 * redeployment of the same aggregation finds its own.
 * @example aggregationIdOf(seedAggregateSpec, "totals") // "3f1c…" (12 hex digits)
 */
export const aggregationIdOf = (spec: AggregateSpec, table: string): string => {
  const text = JSON.stringify([
    spec.groupBy.map((field) => [field.target, field.source, field.transform ?? ""]),
    [spec.sum.source, spec.sum.target],
    table,
  ]);
  return `${fnv1aHex(text, 0x811c9dc5)}${fnv1aHex(text, 0x050c5d1f).slice(0, 4)}`;
};

/** A key attribute of a table as DescribeTable reports it. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: "S" | "N" | "B";
}

/**
 * Fits a layout to the totals table's key schema: the `groupBy` targets must be its key
 * attributes, in order, and its partition key must be a string (S), the only type that can carry
 * the marker prefix; the marker's sort key takes the table's sort key type. Otherwise a
 * configuration error naming the attribute (no marker, hence no total, could be written).
 * @example fitMarkerLayout(layout, "totals", [{ name: "order_date", type: "S" }, { name: "line", type: "N" }])
 */
export const fitMarkerLayout = (
  layout: MarkerLayout,
  table: string,
  keys: ReadonlyArray<KeyAttribute>,
): E.Either<ConfigurationError, MarkerLayout> => {
  const [pk, sk] = keys;
  const wanted = [layout.partitionKey, ...(layout.sortKey === undefined ? [] : [layout.sortKey])];
  const actual = keys.map((key) => key.name);
  if (pk === undefined || wanted.join("\u0000") !== actual.join("\u0000"))
    return E.left(
      configurationError(
        `table ${table}`,
        `is keyed by (${actual.join(", ")}) but AGGREGATE_SPEC.groupBy targets (${wanted.join(", ")}): they must be the same attributes in the same order`,
      ),
    );
  if (pk.type !== "S")
    return E.left(
      configurationError(
        `table ${table}`,
        `partition key ${pk.name} is of type ${pk.type}: aggregation needs a string (S) partition key to place its exactly-once markers`,
      ),
    );
  return E.right(sk === undefined ? layout : { ...layout, sortKeyType: sk.type });
};

const MARKER_SORT_VALUE: Readonly<Record<"S" | "N" | "B", AttributeValue>> = {
  S: { S: "-" },
  N: { N: "0" },
  B: { B: "LQ==" },
};

/**
 * The key of the marker of one stream record.
 * @example markerKey(layout, "evt-1") // { order_date: { S: "__pipeline_marker__#evt-1" }, item_number: { S: "-" } }
 */
export const markerKey = (layout: MarkerLayout, eventId: string): AttributeMap => {
  const scope = layout.aggregationId === undefined ? "" : `${layout.aggregationId}#`;
  const partition = { [layout.partitionKey]: { S: `${MARKER_PREFIX}${scope}${eventId}` } };
  return layout.sortKey === undefined
    ? partition
    : { ...partition, [layout.sortKey]: MARKER_SORT_VALUE[layout.sortKeyType ?? "S"] };
};

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
