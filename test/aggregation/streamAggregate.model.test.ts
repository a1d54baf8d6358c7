import type { DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { isMarker, MARKER_PREFIX, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { addNumbers, isZeroNumber, negateNumber } from "../../domain/decimal.js";
import { createStreamAggregateHandler } from "../../handlers/streamAggregate.js";
import {
  countOf,
  dynamoServiceFaults,
  faultCoverage,
  faultSchedule,
  numRuns,
  scheduledPlan,
  serviceFaultRate,
  timeoutFor,
  unexpectedErrors,
} from "../support/faults.js";
import { seededRandom } from "../support/sqs.js";
import { order } from "../support/streams.js";

// Model-based, with every fault the AggregateStore port can show (throttling, a transaction
// cancelled by a conflict, a transaction applied whose answer is lost, crashes before, after, and
// after the k-th transaction of an invocation), random batching and redelivered windows. After
// draining: totals = an exact group-by of the current orders; every record that changes a total
// has exactly one marker (applied once, never twice); every unreadable image is reported at least
// once and at most once per delivery beyond the first that covered it.

type Order = {
  readonly day: string;
  readonly item: string;
  readonly quantity: string;
  readonly valid: boolean;
};
type Model = { readonly orders: Map<string, Order>; readonly redelivered: Map<string, number> };

const layout = markerLayoutOf(seedAggregateSpec);

const rig = (batchSize: number, plan: (clock: VirtualClock) => FaultPlan) => {
  const clock = virtualClock();
  const faults = plan(clock);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
  db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
  const store = new InMemoryAggregateStore(db, "totals", seedAggregateSpec, layout, clock.now);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const handler = unexpected.wrap(
    perInvocation(
      [faults],
      createStreamAggregateHandler({ store: withFaults(store, faults), rejects }),
    ),
  );
  const context = () => localContext("streamAggregate", 60_000, clock.now);
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("orders"), handler, {
    batchSize,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    context,
    maxAttempts: 200,
  });
  return { clock, faults, db, rejects, unexpected, handler, context, runner };
};
type Real = ReturnType<typeof rig>;

class PutOrder implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly o: Order,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const image = order(this.id, `${this.o.day}T12:00:00Z`, this.o.item, this.o.quantity);
    real.db.put("orders", this.o.valid ? image : { ...image, quantity: { S: this.o.quantity } });
    model.orders.set(this.id, this.o);
  }
  toString = () => `put(${this.id}, ${JSON.stringify(this.o)})`;
}

class DeleteOrder implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.db.delete("orders", { order_id: { S: this.id } });
    model.orders.delete(this.id);
  }
  toString = () => `delete(${this.id})`;
}

class Pump implements fc.AsyncCommand<Model, Real> {
  constructor(readonly steps: number) {}
  check = () => true;
  async run(_: Model, real: Real) {
    for (let i = 0; i < this.steps; i++) if ((await real.runner.step()) === undefined) return;
  }
  toString = () => `pump(${this.steps})`;
}

/** Lambda hands any window of the stream (processed or not) to the function again. */
class Redeliver implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly from: number,
    readonly length: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const all = real.db.stream("orders").all();
    const start = this.from % (all.length + 1);
    const window = all.slice(start, start + this.length);
    for (const r of window)
      model.redelivered.set(r.eventID ?? "", (model.redelivered.get(r.eventID ?? "") ?? 0) + 1);
    await real.handler({ Records: window }, real.context()).catch(() => undefined);
  }
  toString = () => `redeliver(${this.from}+${this.length})`;
}

const orderArb: fc.Arbitrary<Order> = fc.record({
  day: fc.constantFrom("2026-11-20", "2026-11-21"),
  item: fc.constantFrom("item123", "item312", "item7"),
  quantity: fc.oneof(
    fc.integer({ min: -5, max: 60 }).map(String),
    fc.constantFrom("2.5", "0.1", "0"),
  ),
  valid: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
});
const id = fc.constantFrom("o1", "o2", "o3", "o4", "o5");
const commands = fc.commands(
  [
    ...[1, 2, 3].map(() => fc.tuple(id, orderArb).map(([i, o]) => new PutOrder(i, o))),
    id.map((i) => new DeleteOrder(i)),
    fc.integer({ min: 1, max: 4 }).map((n) => new Pump(n)),
    fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 10 })).map(([f, l]) => new Redeliver(f, l)),
  ],
  { maxCommands: 50, size: "max" },
);
const kinds = PORT_FAULTS.AggregateStore;

const s = (value: AttributeMap[string] | undefined) => (value && "S" in value ? value.S : "?");
const quantityOf = (image: AttributeMap | undefined) => {
  const q = image?.quantity;
  return q !== undefined && "N" in q ? q.N : undefined;
};
const totalOf = (image: AttributeMap) => `${s(image.order_date).slice(0, 10)}|${s(image.item_id)}`;

/** The reference: an exact group-by of the valid orders, zero totals left out. */
const expectedTotals = (model: Model) => {
  const sums = new Map<string, string>();
  for (const o of model.orders.values())
    if (o.valid)
      sums.set(`${o.day}|${o.item}`, addNumbers(sums.get(`${o.day}|${o.item}`) ?? "0", o.quantity));
  return new Map([...sums].filter(([, v]) => !isZeroNumber(v)));
};

/** Whether a record changes some total: its readable images' contributions do not cancel out. */
const changesATotal = (record: DynamoDBRecord) => {
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
  return [...sums.values()].some((v) => !isZeroNumber(v));
};

const runs = numRuns(300);

describe("aggregation under every AggregateStore fault (model-based)", () => {
  it(
    "totals = group-by of the orders; one marker per record that changes a total; unreadable images reported",
    async () => {
      const coverage = faultCoverage();
      await fc.assert(
        fc.asyncProperty(
          commands,
          faultSchedule(kinds),
          fc.integer({ min: 1, max: 7 }),
          fc.nat(),
          serviceFaultRate,
          async (cmds, schedule, batchSize, seed, rate) => {
            const real = rig(batchSize, (clock) => scheduledPlan(schedule, clock, seed));
            real.db.fault = dynamoServiceFaults(seededRandom(seed + 7), rate, ["totals"]);
            const model: Model = { orders: new Map(), redelivered: new Map() };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            await real.runner.drain();
            coverage.add(real.faults);

            expect(real.unexpected.errors).toEqual([]);
            const items = real.db.scan("totals");
            const totals = items.filter((item) => !isMarker(layout, item));
            const actual = new Map(
              totals.map((t) => [`${s(t.order_date)}|${s(t.item_number)}`, quantityOf(t) ?? "?"]),
            );
            expect(new Map([...actual].filter(([, v]) => !isZeroNumber(v)))).toEqual(
              expectedTotals(model),
            );
            const records = real.db.stream("orders").all();
            const markers = items
              .filter((item) => isMarker(layout, item))
              .map((m) => s(m.order_date).slice(MARKER_PREFIX.length));
            expect(markers.sort()).toEqual(
              records
                .filter(changesATotal)
                .map((r) => r.eventID ?? "")
                .sort(),
            );
            const reports = countOf(
              real.rejects.records.map((r) => `${r.error.recordId}|${r.error.field}`),
            );
            for (const record of records) {
              const eventId = record.eventID ?? "";
              for (const [where, image] of [
                ["OldImage", record.dynamodb?.OldImage],
                ["NewImage", record.dynamodb?.NewImage],
              ] as const) {
                const times = reports.get(`${eventId}|${where}.quantity`) ?? 0;
                const unreadable =
                  image !== undefined && quantityOf(image as AttributeMap) === undefined;
                if (!unreadable) expect(times, `${eventId} ${where}`).toBe(0);
                else {
                  expect(times, `${eventId} ${where} reported`).toBeGreaterThanOrEqual(1);
                  expect(times, `${eventId} ${where}`).toBeLessThanOrEqual(
                    1 + (model.redelivered.get(eventId) ?? 0),
                  );
                }
              }
            }
            expect(real.rejects.records.every((r) => r.error.field.endsWith(".quantity"))).toBe(
              true,
            );
          },
        ),
        { numRuns: runs },
      );
      expect(coverage.missing(kinds)).toEqual([]);
    },
    timeoutFor(runs, 50),
  );
});
