import { contributionOf, type Delta } from "./aggregateDeltas.js";
import { isMarker, type MarkerLayout } from "./aggregateMarkers.js";
import type { AggregateSpec } from "./aggregateSpec.js";
import { type AttributeMap, type AttributeValue, canonicalKey } from "./attributeValue.js";
import {
  addNumbers,
  compareNumbers,
  isDynamoNumber,
  isZeroNumber,
  normalizeNumber,
} from "./decimal.js";
import type { InvalidRecord } from "./errors.js";

/**
 * The group-by of a source table being summed: exact sums per total key, and the orders that
 * could not be read (they add nothing, as in the stream pipeline).
 * @example const sums = emptyGroupBy(); addOrder(sums, seedAggregateSpec, item, "order-1");
 */
export interface GroupBySums {
  readonly sums: Map<string, Delta>;
  readonly unreadable: InvalidRecord[];
  orders: number;
}

/**
 * A group-by with nothing summed yet.
 * @example const sums = emptyGroupBy();
 */
export const emptyGroupBy = (): GroupBySums => ({ sums: new Map(), unreadable: [], orders: 0 });

/** A key's identity with numbers normalized (`1.0` and `1` are the same key value). */
const keyId = (key: AttributeMap): string =>
  canonicalKey(
    Object.fromEntries(
      Object.entries(key).map(([name, v]) => [name, "N" in v ? { N: normalizeNumber(v.N) } : v]),
    ),
  );

/**
 * Adds one source item to the group-by with the stream pipeline's own reading of an order image
 * ({@link contributionOf}: same grouping, day transform, amount checks).
 * @example addOrder(sums, seedAggregateSpec, { order_date: { S: "2026-11-21" }, item_id: { S: "a" }, quantity: { N: "2" } }, "o-1")
 */
export const addOrder = (
  sums: GroupBySums,
  spec: AggregateSpec,
  item: AttributeMap,
  recordId: string,
): void => {
  sums.orders++;
  const contribution = contributionOf(spec, item, recordId, "NewImage");
  if (contribution === undefined) return;
  if ("_tag" in contribution) {
    sums.unreadable.push(contribution);
    return;
  }
  const id = keyId(contribution.key);
  const current = sums.sums.get(id);
  sums.sums.set(
    id,
    current === undefined
      ? contribution
      : { key: current.key, amount: addNumbers(current.amount, contribution.amount) },
  );
};

/** A total the source disagrees with. */
export interface TotalDifference {
  readonly key: AttributeMap;
  /** The group-by of the source (`"0"` when no order adds to this key). */
  readonly expected: string;
  /** The total stored: its number, the JSON of a value that is not a number, or `undefined` when absent. */
  readonly found: string | undefined;
}

const foundText = (value: AttributeValue | undefined): string | undefined =>
  value === undefined ? undefined : "N" in value ? value.N : JSON.stringify(value);

const agrees = (expected: string, found: string | undefined): boolean =>
  found === undefined
    ? isZeroNumber(expected)
    : isDynamoNumber(found) && compareNumbers(found, expected) === 0;

/**
 * Compares stored totals (a scan of the totals table; marker items are skipped) with the
 * group-by of the source: every key where they differ, the source's keys first. An absent total
 * and a total of 0 agree with a source summing to 0. Only the spec's sum attribute is read: on a
 * table shared with other aggregations, an item without it (another aggregation's total) is a
 * difference only where the source expects a total, and other attributes never are.
 * @example compareTotals(seedAggregateSpec, layout, sums, scannedTotals) // [{ key, expected: "5", found: "7" }]
 */
export const compareTotals = (
  spec: AggregateSpec,
  layout: MarkerLayout,
  sums: GroupBySums,
  stored: Iterable<AttributeMap>,
): ReadonlyArray<TotalDifference> => {
  const found = new Map<string, { key: AttributeMap; value: string | undefined }>();
  for (const item of stored) {
    if (isMarker(layout, item)) continue;
    const key: Record<string, AttributeValue> = {};
    for (const field of spec.groupBy) {
      const value = item[field.target];
      if (value !== undefined) key[field.target] = value;
    }
    const value = Object.hasOwn(item, spec.sum.target) ? item[spec.sum.target] : undefined;
    found.set(keyId(key), { key, value: foundText(value) });
  }
  const differences: TotalDifference[] = [];
  for (const [id, { key, amount }] of sums.sums) {
    const stored = found.get(id);
    found.delete(id);
    if (!agrees(amount, stored?.value))
      differences.push({ key, expected: amount, found: stored?.value });
  }
  for (const { key, value } of found.values())
    if (!agrees("0", value)) differences.push({ key, expected: "0", found: value });
  return differences;
};
