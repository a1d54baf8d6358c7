import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { decodeMessageBody } from "../../domain/messageBody.js";
import { compareSequenceNumbers } from "../../domain/writeCommand.js";
import {
  countOf,
  faultCoverage,
  faultSchedule,
  numRuns,
  scheduledPlan,
  serviceFaultRate,
  timeoutFor,
} from "../support/faults.js";
import { type ReplicationRig, replicationRig } from "./replicationRig.js";

// Model-based: random source changes, stream batching and pumping, queue batching, port-level
// faults (adapters/faults) on the queue and the replica writer, stream redeliveries (FIFO: the
// batch before the checkpoint, as Lambda re-reads from it; standard: any window) and, on a
// standard queue, duplicate and reordered messages. After draining, the replica equals the
// source, and every change was sent and applied or superseded, never rejected or dead-lettered.

type Model = Map<string, AttributeMap>;
type Real = ReplicationRig;

const keyOfPk = (pk: string): AttributeMap => ({ pk: { S: pk } });

class Put implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pk: string,
    readonly attrs: AttributeMap,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const item = { ...this.attrs, ...keyOfPk(this.pk) };
    real.db.put("source", item);
    model.set(this.pk, item);
  }
  toString = () => `put(${this.pk}, ${JSON.stringify(this.attrs)})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pk: string) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.db.delete("source", keyOfPk(this.pk));
    model.delete(this.pk);
  }
  toString = () => `delete(${this.pk})`;
}

class PumpStream implements fc.AsyncCommand<Model, Real> {
  constructor(readonly steps: number) {}
  check = () => true;
  async run(_: Model, real: Real) {
    await real.pumpStream(this.steps);
  }
  toString = () => `pumpStream(${this.steps})`;
}

class PumpQueue implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly rounds: number,
    readonly batchSize: number,
  ) {}
  check = () => true;
  async run(_: Model, real: Real) {
    await real.pumpQueue(this.rounds, this.batchSize);
  }
  toString = () => `pumpQueue(${this.rounds} × ${this.batchSize})`;
}

/** FIFO: the `length` records before the checkpoint again; standard: any window. */
class RedeliverStream implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly from: number,
    readonly length: number,
    readonly beforeCheckpoint: boolean,
  ) {}
  check = () => true;
  async run(_: Model, real: Real) {
    const all = real.db.stream("source").all();
    const end = this.beforeCheckpoint ? real.checkpointed() : all.length;
    const start = this.beforeCheckpoint
      ? Math.max(0, end - this.length)
      : this.from % (all.length + 1);
    await real.redeliverStream(all.slice(start, Math.min(end, start + this.length)));
  }
  toString = () => `redeliverStream(${this.beforeCheckpoint ? "" : `${this.from}+`}${this.length})`;
}

/** Standard queues: SQS hands some already-delivered messages over again, in another order. */
class DuplicateMessages implements fc.AsyncCommand<Model, Real> {
  constructor(readonly picks: ReadonlyArray<number>) {}
  check = () => true;
  async run(_: Model, real: Real) {
    if (real.delivered.length === 0) return;
    const chosen = this.picks.map((i) => real.delivered[i % real.delivered.length]);
    await real.redeliverMessages(chosen.filter((r) => r !== undefined));
  }
  toString = () => `duplicateMessages(${this.picks.join(",")})`;
}

const pk = fc.constantFrom("a", "b", "c", "d");
const attrs: fc.Arbitrary<AttributeMap> = fc.dictionary(
  fc.constantFrom("n", "s", "l"),
  fc.oneof(
    fc.integer().map((n) => ({ N: String(n) })),
    fc.string({ maxLength: 6 }).map((s) => ({ S: s })),
    fc.array(fc.boolean(), { maxLength: 2 }).map((l) => ({ L: l.map((b) => ({ BOOL: b })) })),
  ),
  { maxKeys: 3 },
);

const commands = (fifo: boolean) =>
  fc.commands(
    [
      ...[1, 2, 3].map(() => fc.tuple(pk, attrs).map(([p, a]) => new Put(p, a))),
      pk.map((p) => new Delete(p)),
      fc.integer({ min: 1, max: 4 }).map((n) => new PumpStream(n)),
      fc
        .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 10 }))
        .map(([r, b]) => new PumpQueue(r, b)),
      fc
        .tuple(fc.nat(40), fc.integer({ min: 1, max: 8 }))
        .map(([from, length]) => new RedeliverStream(from, length, fifo)),
      ...(fifo
        ? []
        : [
            fc
              .array(fc.nat(200), { minLength: 1, maxLength: 6 })
              .map((picks) => new DuplicateMessages(picks)),
          ]),
    ],
    { maxCommands: 60, size: "max" },
  );

const kinds = PORT_FAULTS.TableWriter;
const faults = faultSchedule(kinds);

/** Stream and queue until both are empty (the schedules are finite: faults run out). */
const drain = async (real: Real) => {
  for (let round = 0; round < 100; round++) {
    await real.pumpStream();
    const stats = await real.pumpQueue(1000);
    if (stats.drained && real.db.stream("source").all().length === real.checkpointed()) return;
  }
  throw new Error("the pipeline did not drain");
};

const checkInvariants = (real: Real, model: Model) => {
  expect(real.unexpected).toEqual([]);
  expect(real.db.scan("source")).toEqual([...model.values()].sort(byPk));
  expect(real.db.scan("replica")).toEqual(real.db.scan("source"));
  expect(real.rejects.records).toEqual([]);
  expect(real.sqs.counts(real.dlqName).visible).toBe(0);
  // Conservation: every change was accepted by the queue, never more often than delivered …
  const records = real.db.stream("source").all();
  const sent = countOf(real.queue.accepted.flatMap((m) => commandsOf(m.body).map((c) => c.source)));
  for (const record of records) {
    const id = record.eventID ?? "";
    expect(sent.get(id) ?? 0).toBeGreaterThanOrEqual(1);
    expect(sent.get(id) ?? 0).toBeLessThanOrEqual(real.deliveries.get(id) ?? 0);
  }
  // … and applied by the writer, or superseded there by a newer change of its key.
  const newest = new Map<string, string>();
  for (const command of real.table.done) {
    const key = canonicalKey(command.key);
    const seen = newest.get(key);
    if (seen === undefined || compareSequenceNumbers(command.seq ?? "0", seen) > 0)
      newest.set(key, command.seq ?? "0");
  }
  for (const record of records) {
    const key = canonicalKey((record.dynamodb?.Keys ?? {}) as AttributeMap);
    const applied = newest.get(key);
    expect(applied, `record ${record.eventID} never applied`).toBeDefined();
    const seq = record.dynamodb?.SequenceNumber ?? "";
    expect(compareSequenceNumbers(applied ?? "0", seq)).toBeGreaterThanOrEqual(0);
  }
};

const byPk = (a: AttributeMap, b: AttributeMap) =>
  canonicalKey({ pk: a.pk as never }) < canonicalKey({ pk: b.pk as never }) ? -1 : 1;

const commandsOf = (body: string) => {
  const decoded = decodeMessageBody("m", body, { partitionKey: "pk" });
  if (E.isLeft(decoded)) throw new Error(`undecodable message ${body}`);
  return decoded.right;
};

const runs = numRuns(300);

describe.each([
  { fifo: true, name: "FIFO queue" },
  { fifo: false, name: "standard queue + sequence guard" },
])("replication under faults, $name (model-based)", ({ fifo }) => {
  it(
    "after draining, replica = source; every change sent and applied or superseded, none rejected or dead-lettered",
    async () => {
      const coverage = faultCoverage();
      await fc.assert(
        fc.asyncProperty(
          commands(fifo),
          faults,
          faults,
          fc.integer({ min: 1, max: 6 }),
          fc.nat(),
          serviceFaultRate,
          async (cmds, queueFaults, tableFaults, streamBatchSize, seed, rate) => {
            const real = replicationRig({
              fifo,
              streamBatchSize,
              seed,
              serviceFaultRate: rate,
              plans: (clock) => ({
                queue: scheduledPlan(queueFaults, clock, seed),
                table: scheduledPlan(tableFaults, clock, seed + 1),
              }),
            });
            const model: Model = new Map();
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            await drain(real);
            checkInvariants(real, model);
            coverage.add(real.plans.queue, real.plans.table);
          },
        ),
        { numRuns: runs },
      );
      expect(coverage.missing(kinds)).toEqual([]);
    },
    timeoutFor(runs, 50),
  );
});
