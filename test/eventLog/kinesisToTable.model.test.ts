import type { KinesisStreamRecord } from "aws-lambda";
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
import { InMemoryKinesis } from "../../adapters/localAws/services/InMemoryKinesis.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { createKinesisToTableHandler } from "../../handlers/kinesisToTable.js";
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

// Model-based: records put on a Kinesis stream (1 or 2 shards; some payloads not JSON objects),
// random batching and pumping per shard, port-level faults on the event-log table writer, and
// random redeliveries of any window of a shard. After draining, EventLogs holds exactly one item
// per distinct valid record, with its arrival time and payload; every invalid record is reported,
// exactly once per delivery that completed it (once, unless Lambda redelivered it), none valid.

type Payload = { readonly sensor: string; readonly value: number; readonly ok: boolean };
type Put = { readonly partitionKey: string; readonly payload: Payload | string };
type Sent = Put & {
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly at: number;
};
type Model = { readonly sent: Sent[]; readonly redelivered: Map<string, number> };

const rig = (shards: number, batchSize: number, plan: (clock: VirtualClock) => FaultPlan) => {
  const clock = virtualClock();
  const faults = plan(clock);
  const kinesis = new InMemoryKinesis(clock.now);
  kinesis.createStream("EventStream", shards);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("EventLogs", EVENT_LOG_KEY_SCHEMA);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const table = new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv);
  const handler = unexpected.wrap(
    perInvocation(
      [faults],
      createKinesisToTableHandler({ table: withFaults(table, faults), rejects }),
    ),
  );
  const context = () => localContext("kinesisToTable", 60_000, clock.now);
  const shardIds = kinesis.listShards("EventStream").map((s) => s.shardId);
  const read = (shardId: string) => kinesis.read("EventStream", shardId, undefined, 10_000);
  const runners = shardIds.map(
    (shardId) =>
      new StreamEventSourceRunner<KinesisStreamRecord>(
        { read: (after, limit) => kinesis.read("EventStream", shardId, after, limit) },
        handler,
        { batchSize, sequenceOf: (r) => r.kinesis.sequenceNumber, context, maxAttempts: 200 },
      ),
  );
  return {
    clock,
    faults,
    kinesis,
    db,
    rejects,
    unexpected,
    handler,
    context,
    shardIds,
    read,
    runners,
  };
};
type Real = ReturnType<typeof rig>;

class PutRecord implements fc.AsyncCommand<Model, Real> {
  constructor(readonly put: Put) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.clock.advance(7);
    const data =
      typeof this.put.payload === "string" ? this.put.payload : JSON.stringify(this.put.payload);
    const { shardId, sequenceNumber } = real.kinesis.putRecord(
      "EventStream",
      this.put.partitionKey,
      data,
    );
    model.sent.push({
      ...this.put,
      eventId: `${shardId}:${sequenceNumber}`,
      sequenceNumber,
      at: real.clock.now(),
    });
  }
  toString = () => `put(${JSON.stringify(this.put)})`;
}

class Pump implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly shard: number,
    readonly steps: number,
  ) {}
  check = () => true;
  async run(_: Model, real: Real) {
    const runner = real.runners[this.shard % real.runners.length];
    for (let i = 0; i < this.steps && runner; i++) if ((await runner.step()) === undefined) return;
  }
  toString = () => `pump(shard ${this.shard}, ${this.steps} steps)`;
}

/** Lambda hands a window of a shard (already processed or not) to the function again. */
class Redeliver implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly shard: number,
    readonly from: number,
    readonly length: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const records = real.read(real.shardIds[this.shard % real.shardIds.length] ?? "");
    const start = this.from % (records.length + 1);
    const window = records.slice(start, start + this.length);
    for (const r of window)
      model.redelivered.set(r.eventID, (model.redelivered.get(r.eventID) ?? 0) + 1);
    await real.handler({ Records: [...window] }, real.context()).catch(() => undefined);
  }
  toString = () => `redeliver(shard ${this.shard}, ${this.from}+${this.length})`;
}

const payload: fc.Arbitrary<Payload | string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      sensor: fc.constantFrom("temperature", "humidity"),
      value: fc.integer({ min: -50, max: 50 }),
      ok: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom("not json", "[1,2]", '"text"', "{") },
);
const commands = fc.commands(
  [
    ...[1, 2, 3].map(() =>
      fc
        .record({ partitionKey: fc.constantFrom("1", "2", "3", "4"), payload })
        .map((p) => new PutRecord(p)),
    ),
    fc.tuple(fc.nat(1), fc.integer({ min: 1, max: 4 })).map(([s, n]) => new Pump(s, n)),
    fc
      .tuple(fc.nat(1), fc.nat(30), fc.integer({ min: 1, max: 8 }))
      .map(([s, f, l]) => new Redeliver(s, f, l)),
  ],
  { maxCommands: 60, size: "max" },
);
const kinds = PORT_FAULTS.TableWriter;

/** The item the seed's EventLogs table must hold for a valid record (written out independently). */
const expectedItem = (s: Sent & { readonly payload: Payload }): AttributeMap => ({
  eventId: { S: s.eventId },
  timestamp: { S: new Date(s.at).toISOString() },
  data: {
    M: {
      sensor: { S: s.payload.sensor },
      value: { N: String(s.payload.value) },
      ok: { BOOL: s.payload.ok },
    },
  },
  partitionKey: { S: s.partitionKey },
  sequenceNumber: { S: s.sequenceNumber },
});
const isValid = (s: Sent): s is Sent & { readonly payload: Payload } =>
  typeof s.payload !== "string";

const runs = numRuns(300);

describe("Kinesis → EventLogs under faults and redeliveries (model-based)", () => {
  it(
    "after draining: one item per distinct valid record, every invalid record reported once per completing delivery",
    async () => {
      const coverage = faultCoverage();
      await fc.assert(
        fc.asyncProperty(
          commands,
          faultSchedule(kinds),
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 6 }),
          fc.nat(),
          serviceFaultRate,
          async (cmds, schedule, shards, batchSize, seed, rate) => {
            const real = rig(shards, batchSize, (clock) => scheduledPlan(schedule, clock, seed));
            real.db.fault = dynamoServiceFaults(seededRandom(seed + 7), rate, ["EventLogs"]);
            const model: Model = { sent: [], redelivered: new Map() };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            for (const runner of real.runners) await runner.drain();
            coverage.add(real.faults);

            expect(real.unexpected.errors).toEqual([]);
            const byId = (a: AttributeMap, b: AttributeMap) =>
              (a.eventId as { S: string }).S < (b.eventId as { S: string }).S ? -1 : 1;
            expect([...real.db.scan("EventLogs")].sort(byId)).toEqual(
              model.sent.filter(isValid).map(expectedItem).sort(byId),
            );
            const reports = countOf(real.rejects.records.map((r) => r.error.recordId));
            for (const s of model.sent) {
              const times = reports.get(s.eventId) ?? 0;
              if (isValid(s)) expect(times, `${s.eventId} is valid`).toBe(0);
              else {
                expect(times, `${s.eventId} reported`).toBeGreaterThanOrEqual(1);
                expect(times, `${s.eventId} reported too often`).toBeLessThanOrEqual(
                  1 + (model.redelivered.get(s.eventId) ?? 0),
                );
              }
            }
            expect(
              [...reports.keys()].every((id) => model.sent.some((s) => s.eventId === id)),
            ).toBe(true);
          },
        ),
        { numRuns: runs },
      );
      expect(coverage.missing(kinds)).toEqual([]);
    },
    timeoutFor(runs, 50),
  );
});
