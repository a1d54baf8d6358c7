import * as t from "io-ts";

/** One key attribute of the totals table and where its value comes from in an order image. */
export interface GroupField {
  /** Attribute name in the totals table (a key attribute). */
  readonly target: string;
  /** Attribute name in the source image. */
  readonly source: string;
  /** `"day"`: keep the `YYYY-MM-DD` date part of an ISO 8601 string. */
  readonly transform?: "day";
}

/**
 * What to aggregate: totals keyed by `groupBy` (the totals table's partition key first, then its
 * sort key), summing the number attribute `sum.source` into `sum.target`.
 */
export interface AggregateSpec {
  readonly groupBy: readonly [GroupField] | readonly [GroupField, GroupField];
  readonly sum: { readonly source: string; readonly target: string };
}

/**
 * Seed 002: totals per (day of `order_date`, `item_id`) of `quantity`, stored as
 * `order_date` (partition key), `item_number` (sort key) and `quantity`.
 * @example deltasOf(change, seedAggregateSpec)
 */
export const seedAggregateSpec: AggregateSpec = {
  groupBy: [
    { target: "order_date", source: "order_date", transform: "day" },
    { target: "item_number", source: "item_id" },
  ],
  sum: { source: "quantity", target: "quantity" },
};

const GroupFieldCodec = t.intersection([
  t.type({ target: t.string, source: t.string }),
  t.partial({ transform: t.literal("day") }),
]);

/**
 * io-ts codec for an {@link AggregateSpec} given as JSON (the `AGGREGATE_SPEC` variable).
 * @example AggregateSpecCodec.decode(JSON.parse(process.env.AGGREGATE_SPEC))
 */
export const AggregateSpecCodec: t.Type<AggregateSpec, unknown> = t.type({
  groupBy: t.union([t.tuple([GroupFieldCodec]), t.tuple([GroupFieldCodec, GroupFieldCodec])]),
  sum: t.type({ source: t.string, target: t.string }),
}) as unknown as t.Type<AggregateSpec, unknown>;
