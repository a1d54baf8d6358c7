import * as t from "io-ts";
import { WATERMARK_ATTRIBUTE_PREFIX } from "./totalWatermarks.js";

/** One key attribute of the totals table and where its value comes from in an order image. */
export interface GroupField {
  /** Attribute name in the totals table (a key attribute). */
  readonly target: string;
  /** Attribute name in the source image. */
  readonly source: string;
  /**
   * `"day"`: the UTC day (`YYYY-MM-DD`) of an ISO 8601 date or date-time string: an offset moves
   * it (`2026-11-21T23:30:00-05:00` → `2026-11-22`); impossible dates are rejected.
   */
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
 * `groupBy`: exactly one or two fields. Not `t.tuple`, which keeps the leading components of a
 * longer array (a two-field `groupBy` would pass as a union's one-field tuple and lose its sort
 * key); the length is checked first and named in the error.
 */
const GroupByCodec = new t.Type<AggregateSpec["groupBy"], unknown, unknown>(
  "GroupBy",
  (u): u is AggregateSpec["groupBy"] =>
    Array.isArray(u) && (u.length === 1 || u.length === 2) && u.every(GroupFieldCodec.is),
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, "groupBy must be an array of 1 or 2 fields");
    if (u.length !== 1 && u.length !== 2)
      return t.failure(
        u,
        c,
        `groupBy must list 1 or 2 fields (the totals table's partition key, then its sort key), got ${u.length}`,
      );
    const fields: t.TypeOf<typeof GroupFieldCodec>[] = [];
    for (const [index, field] of u.entries()) {
      const decoded = GroupFieldCodec.validate(
        field,
        t.appendContext(c, String(index), GroupFieldCodec, field),
      );
      if (decoded._tag === "Left")
        return t.failure(
          field,
          c,
          `groupBy[${index}] must be { target: string, source: string, transform?: "day" }`,
        );
      fields.push(decoded.right);
    }
    return t.success(fields as unknown as AggregateSpec["groupBy"]);
  },
  t.identity,
);

const SpecShapeCodec = t.type({
  groupBy: GroupByCodec,
  sum: t.type({ source: t.string, target: t.string }),
}) as unknown as t.Type<AggregateSpec, unknown>;

/** A target named like a watermark attribute (`__wm_…`, the totals' bookkeeping), if any. */
const reservedTarget = (spec: AggregateSpec): string | undefined =>
  [...spec.groupBy.map((field) => field.target), spec.sum.target].find((name) =>
    name.startsWith(WATERMARK_ATTRIBUTE_PREFIX),
  );

/**
 * io-ts codec for an {@link AggregateSpec} given as JSON (the `AGGREGATE_SPEC` variable). A
 * `groupBy` of 0 or 3+ fields is refused with a message saying so ({@link aggregateSpecProblem}),
 * and so is a target whose name starts with `__wm_`: that prefix is reserved for the watermark
 * attributes the pipeline keeps on each total, which the command line's repairs never touch.
 * @example AggregateSpecCodec.decode(JSON.parse(process.env.AGGREGATE_SPEC))
 */
export const AggregateSpecCodec: t.Type<AggregateSpec, unknown> = new t.Type<
  AggregateSpec,
  unknown,
  unknown
>(
  "AggregateSpec",
  (u): u is AggregateSpec => SpecShapeCodec.is(u) && reservedTarget(u) === undefined,
  (u, c) => {
    const decoded = SpecShapeCodec.validate(u, c);
    if (decoded._tag === "Left") return decoded;
    const reserved = reservedTarget(decoded.right);
    return reserved === undefined
      ? decoded
      : t.failure(
          u,
          c,
          `target ${reserved}: names starting with ${WATERMARK_ATTRIBUTE_PREFIX} are reserved for the totals' watermarks`,
        );
  },
  t.identity,
);

/**
 * Why a value is not an {@link AggregateSpec}: the codec's first message, or a description of the
 * expected shape. `undefined` when it is one.
 * @example aggregateSpecProblem({ groupBy: [], sum: { source: "q", target: "q" } }) // "groupBy must list 1 or 2 fields …, got 0"
 */
export const aggregateSpecProblem = (value: unknown): string | undefined => {
  const decoded = AggregateSpecCodec.decode(value);
  if (decoded._tag === "Right") return undefined;
  const message = decoded.left.find((error) => error.message !== undefined)?.message;
  return (
    message ?? "expected { groupBy: [{ target, source, transform? }], sum: { source, target } }"
  );
};
