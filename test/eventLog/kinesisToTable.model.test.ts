import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { type FaultPlan, PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { assembleEventLog } from "../../handlers/assemblies/assembleEventLog.js";
import { eventLogServices } from "../../handlers/assemblies/offlineEventLog.js";
import { Accept } from "../support/commands/Accept.js";
import { Drain } from "../support/commands/Drain.js";
import type { Inputs, Redeliveries } from "../support/commands/pipelineUnderTest.js";
import { playThenDrain } from "../support/commands/playThenDrain.js";
import { RedeliverStream } from "../support/commands/RedeliverStream.js";
import { StepStream } from "../support/commands/StepStream.js";
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
import { streamSide } from "../support/streamSide.js";

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
type Model = Redeliveries & { readonly sent: Sent[] };

const rig = (shards: number, batchSize: number, plan: (clock: VirtualClock) => FaultPlan) => {
  const services = eventLogServices({ shards });
  const { clock, kinesis } = services;
  const faults = plan(clock);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const { kinesisToTable } = assembleEventLog({
    table: withFaults(services.table, faults),
    rejects,
  });
  const handler = unexpected.wrap(perInvocation([faults], kinesisToTable));
  const stream = streamSide(services.shardIds.map(services.shard), handler, {
    batchSize,
    sequenceOf: (r) => r.kinesis.sequenceNumber,
    eventIdOf: (r) => r.eventID,
    context: () => localContext("kinesisToTable", 60_000, clock.now),
    maxAttempts: 200,
  });
  const accept = (model: Model, put: Put) => {
    clock.advance(7);
    const data = typeof put.payload === "string" ? put.payload : JSON.stringify(put.payload);
    const { shardId, sequenceNumber } = kinesis.putRecord("EventStream", put.partitionKey, data);
    model.sent.push({
      ...put,
      eventId: `${shardId}:${sequenceNumber}`,
      sequenceNumber,
      at: clock.now(),
    });
  };
  return {
    ...services,
    ...stream,
    faults,
    rejects,
    unexpected: unexpected.errors,
    accept,
    drain: () => stream.drainStreams(),
  };
};
type Real = ReturnType<typeof rig> & Inputs<Model, Put>;

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
const commands = fc.commands<Model, Real, false>(
  [
    ...[1, 2, 3].map(() =>
      fc
        .record({ partitionKey: fc.constantFrom("1", "2", "3", "4"), payload })
        .map((p) => new Accept<Model, Put>(p)),
    ),
    StepStream.arbitrary(4, 2),
    RedeliverStream.arbitrary({ maxFrom: 30, maxLength: 8, shards: 2 }),
    fc.constant(new Drain()),
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
            await playThenDrain(model, real, cmds);
            coverage.add(real.faults);

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
