import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StreamEventSourceRunner } from "../../adapters/memory/StreamEventSourceRunner.js";
import { addNumbers } from "../../domain/decimal.js";
import { aggregationRig, type StoreFault } from "../helpers/aggregation.js";
import { order, sequenceOf } from "../helpers/streams.js";

type Order = {
  readonly day: string;
  readonly item: string;
  readonly quantity: string;
  readonly valid: boolean;
};
type Model = Map<string, Order>;
type Real = ReturnType<typeof aggregationRig> & { runner: StreamEventSourceRunner<never> };

/** The reference: an exact group-by over the orders currently in the source table. */
const expectedTotals = (model: Model): Map<string, string> => {
  const sums = new Map<string, string>();
  for (const o of model.values()) {
    if (!o.valid) continue;
    const key = `${o.day}|${o.item}`;
    sums.set(key, addNumbers(sums.get(key) ?? "0", o.quantity));
  }
  return sums;
};

const nonZero = (totals: Map<string, string>) => new Map([...totals].filter(([, v]) => v !== "0"));

class PutOrder implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly o: Order,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const image = order(this.id, `${this.o.day}T12:00:00Z`, this.o.item, this.o.quantity);
    real.db.put("orders", this.o.valid ? image : { ...image, quantity: { S: this.o.quantity } });
    model.set(this.id, this.o);
  }
  toString = () => `put(${this.id}, ${JSON.stringify(this.o)})`;
}

class DeleteOrder implements fc.AsyncCommand<Model, Real> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.db.delete("orders", { order_id: { S: this.id } });
    model.delete(this.id);
  }
  toString = () => `delete(${this.id})`;
}

/** Lambda polls the stream, then redelivers a window of already-processed records. */
class Deliver implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly from: number,
    readonly length: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    await real.runner.drain();
    const all = real.db.stream("orders").all();
    const start = this.from % (all.length + 1);
    await real.invoke(all.slice(start, start + this.length)).catch(() => undefined);
    expect(nonZero(real.totals())).toEqual(nonZero(expectedTotals(model)));
  }
  toString = () => `deliver(redeliver ${this.from}+${this.length})`;
}

const orderArb: fc.Arbitrary<Order> = fc.record({
  day: fc.constantFrom("2026-11-20", "2026-11-21", "2026-11-22"),
  item: fc.constantFrom("item123", "item312", "item7"),
  quantity: fc.oneof(
    fc.integer({ min: -5, max: 60 }).map(String),
    fc.constantFrom("2.5", "0.1", "1234567890123456789012345678901234.5"),
  ),
  valid: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
});

const commands = fc.commands(
  [
    fc
      .tuple(fc.constantFrom("o1", "o2", "o3", "o4", "o5"), orderArb)
      .map(([id, o]) => new PutOrder(id, o)),
    fc.constantFrom("o1", "o2", "o3", "o4", "o5").map((id) => new DeleteOrder(id)),
    fc
      .tuple(fc.nat(40), fc.integer({ min: 1, max: 12 }))
      .map(([from, length]) => new Deliver(from, length)),
  ],
  { maxCommands: 40 },
);

const faults = fc.array(
  fc.constantFrom<StoreFault>("ok", "ok", "ok", "transient", "crashBefore", "crashAfter"),
  { maxLength: 30 },
);

describe("aggregation is exactly-once in effect", () => {
  it("totals equal a group-by of the current orders, for any changes, batching, retries and crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        commands,
        faults,
        fc.integer({ min: 1, max: 7 }),
        async (cmds, schedule, batchSize) => {
          const rig = aggregationRig(schedule);
          const runner = new StreamEventSourceRunner(rig.db.stream("orders"), rig.handler, {
            batchSize,
            sequenceOf,
          }) as never;
          const real: Real = { ...rig, runner };
          const model: Model = new Map();
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await real.runner.drain();
          expect(nonZero(rig.totals())).toEqual(nonZero(expectedTotals(model)));
        },
      ),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 200) },
    );
  });
});
