import type { DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { addNumbers, isZeroNumber, negateNumber } from "../../domain/decimal.js";
import { Accept } from "../support/commands/Accept.js";
import { Drain } from "../support/commands/Drain.js";
import { PassTime } from "../support/commands/PassTime.js";
import type { Inputs } from "../support/commands/pipelineUnderTest.js";
import { RedeliverStream } from "../support/commands/RedeliverStream.js";
import { RejectOutage } from "../support/commands/RejectOutage.js";
import { StepStream } from "../support/commands/StepStream.js";
import { UpdateMapping } from "../support/commands/UpdateMapping.js";
import { order } from "../support/streams.js";
import type { RigMapping, StreamAggregateRig } from "./aggregationRig.js";

/**
 * The model of the aggregation's model-based test (streamAggregate.model.test.ts): orders, the
 * settings of the event source mapping, the commands drawn, and the reference totals.
 */

export type Order = {
  readonly day: string;
  readonly item: string;
  readonly quantity: string;
  readonly valid: boolean;
};
export type Model = {
  readonly orders: Map<string, Order>;
  readonly redelivered: Map<string, number>;
};

/** An order written (`order` given) or deleted. */
export type Input = { readonly id: string; readonly order?: Order };
export type Real = StreamAggregateRig & Inputs<Model, Input>;

/** Orders o1-o3 live in `orders` (shard 0), o4-o5 in `orders2` (shard 1): one totals table. */
const sourceOf = (real: StreamAggregateRig, id: string) =>
  real.sources[id === "o4" || id === "o5" ? real.sources.length - 1 : 0] ?? "orders";

export const accept = (model: Model, real: StreamAggregateRig, { id, order: o }: Input) => {
  const table = sourceOf(real, id);
  if (o === undefined) {
    real.db.delete(table, { order_id: { S: id } });
    model.orders.delete(id);
    return;
  }
  const image = order(id, `${o.day}T12:00:00Z`, o.item, o.quantity);
  real.db.put(table, o.valid ? image : { ...image, quantity: { S: o.quantity } });
  model.orders.set(id, o);
};

/** Quantities; with `huge`, sometimes 10^37, which a decimal beside it takes past 38 digits. */
export const orderArb = (huge: boolean): fc.Arbitrary<Order> =>
  fc.record({
    day: fc.constantFrom("2026-11-20", "2026-11-21"),
    item: fc.constantFrom("item123", "item312", "item7"),
    quantity: fc.oneof(
      fc.integer({ min: -5, max: 60 }).map(String),
      fc.constantFrom("2.5", "0.1", "0"),
      ...(huge ? [fc.constantFrom("1E+37")] : []),
    ),
    valid: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  });
const id = fc.constantFrom("o1", "o2", "o3", "o4", "o5");

export type Setting = "markers" | "watermark" | "parallel" | "parallel, unset" | "window, unset";
/** The event source mapping of a setting; `order` is drawn (concurrent batches in any order). */
export const mappingArb = (setting: Setting): fc.Arbitrary<RigMapping> =>
  fc
    .record({
      bisectOnError: fc.boolean(),
      parallelizationFactor: fc.integer({ min: 2, max: 3 }),
      reversed: fc.boolean(),
    })
    .map(({ bisectOnError, parallelizationFactor, reversed }): RigMapping => {
      if (setting === "markers") return { bisectOnError };
      if (setting === "watermark") return { bisectOnError, windowSeconds: 60 };
      if (setting === "window, unset")
        return { bisectOnError, windowSeconds: 60, handlerKnows: "unset" };
      return {
        bisectOnError,
        windowSeconds: 60,
        parallelizationFactor,
        handlerKnows: setting === "parallel" ? "told" : "unset",
        order: (n: number) => [...Array(n).keys()].map((i) => (reversed ? n - 1 - i : i)),
      };
    });
export const SETTINGS: ReadonlyArray<Setting> = [
  "markers",
  "watermark",
  "parallel",
  "parallel, unset",
  "window, unset",
];
export const anySetting = fc
  .constantFrom(...SETTINGS)
  .chain((setting) => mappingArb(setting).map((mapping) => ({ setting, mapping })));

/** What a run draws beyond the fixed commands. */
export interface Across {
  /** Mapping updates between deliveries. */
  readonly updates: boolean;
  /** Reject destination outages. */
  readonly outages: boolean;
  /** Totals the table refuses. */
  readonly huge: boolean;
}
export const FIXED: Across = { updates: false, outages: false, huge: false };

/** The commands; `inOrder`: redeliveries start at or before the checkpoint (Lambda's first-in-order). */
export const commandsOf = (inOrder: boolean, across: Across) =>
  fc.commands<Model, Real, false>(
    [
      ...[1, 2, 3].map(() =>
        fc.tuple(id, orderArb(across.huge)).map(([i, o]) => new Accept({ id: i, order: o })),
      ),
      id.map((i) => new Accept({ id: i })),
      StepStream.arbitrary(4, 2),
      RedeliverStream.arbitrary({ maxFrom: 40, maxLength: 10, fromCheckpoint: inOrder, shards: 2 }),
      fc.constant(new Drain()),
      fc.integer({ min: 10_000, max: 90_000 }).map((ms) => new PassTime(ms)),
      ...(across.updates
        ? [anySetting.map(({ setting, mapping }) => new UpdateMapping(mapping, setting))]
        : []),
      ...(across.outages ? [RejectOutage.arbitrary] : []),
    ],
    { maxCommands: 50, size: "max" },
  );

export const s = (value: AttributeMap[string] | undefined) =>
  value && "S" in value ? value.S : "?";
export const quantityOf = (image: AttributeMap | undefined) => {
  const q = image?.quantity;
  return q !== undefined && "N" in q ? q.N : undefined;
};
export const totalOf = (image: AttributeMap) =>
  `${s(image.order_date).slice(0, 10)}|${s(image.item_id)}`;

/** A record's contribution to each total: −old +new, from the images that can be read. */
export const deltasOfRecord = (record: DynamoDBRecord): Map<string, string> => {
  const sums = new Map<string, string>();
  const images = [
    [record.dynamodb?.OldImage, true],
    [record.dynamodb?.NewImage, false],
  ] as const;
  for (const [image, negative] of images) {
    const q = quantityOf(image as AttributeMap | undefined);
    if (image === undefined || q === undefined) continue;
    const key = totalOf(image as AttributeMap);
    sums.set(key, addNumbers(sums.get(key) ?? "0", negative ? negateNumber(q) : q));
  }
  return sums;
};

/** The reference: an exact group-by of the valid orders, zero totals left out. */
export const expectedTotals = (model: Model) => {
  const sums = new Map<string, string>();
  for (const o of model.orders.values())
    if (o.valid)
      sums.set(`${o.day}|${o.item}`, addNumbers(sums.get(`${o.day}|${o.item}`) ?? "0", o.quantity));
  return new Map([...sums].filter(([, v]) => !isZeroNumber(v)));
};
