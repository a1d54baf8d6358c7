import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { type FaultPlan, PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import type { DataFormat } from "../../domain/eventPayload.js";
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
import { kplAggregate } from "../support/kpl.js";
import { seededRandom } from "../support/sqs.js";
import { streamSide } from "../support/streamSide.js";

// Model-based: records put on a Kinesis stream (1 or 2 shards; payloads JSON objects, other JSON,
// text, bytes that are not UTF-8, KPL aggregates of 3 user records, or too big for an item),
// random batching and pumping per shard, port-level faults on the event-log table writer, and
// random redeliveries of any window of a shard. After draining, EventLogs holds exactly one item
// per distinct event (one per record, one per user record of an aggregate, keyed
// eventID[:subSequenceNumber] whatever the redeliveries), with its arrival time, payload and
// format; every record too big is reported, exactly once per delivery that completed it (once,
// unless Lambda redelivered it), no other.

type Payload = { readonly sensor: string; readonly value: number; readonly ok: boolean };
/** What a payload that is not a sensor reading is stored as (`undefined`: rejected). */
type Other = keyof typeof OTHER_PAYLOADS;
type Put = { readonly partitionKey: string; readonly payload: Payload | Other };
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
    const data =
      typeof put.payload === "string"
        ? OTHER_PAYLOADS[put.payload].bytes
        : JSON.stringify(put.payload);
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

/** An item's `data` and `dataFormat`. */
type Stored = readonly [AttributeValue, DataFormat];

/** Payloads other than a sensor reading: their bytes, and what EventLogs must hold for them. */
const OTHER_PAYLOADS = {
  "not json": { bytes: "not json", stored: [[{ S: "not json" }, "text"]] },
  "{": { bytes: "{", stored: [[{ S: "{" }, "text"]] },
  "[1,2]": { bytes: "[1,2]", stored: [[{ L: [{ N: "1" }, { N: "2" }] }, "json"]] },
  '"text"': { bytes: '"text"', stored: [[{ S: "text" }, "json"]] },
  "not UTF-8": { bytes: new Uint8Array([0xff, 0x00]), stored: [[{ B: "/wA=" }, "binary"]] },
  "KPL aggregate": {
    bytes: new Uint8Array(
      kplAggregate(
        ['{"n":0}', "one", "\u00ff"].map((text) => ({
          partitionKey: "user",
          data: Buffer.from(text, text === "\u00ff" ? "latin1" : "utf8"),
        })),
      ),
    ),
    stored: [
      [{ M: { n: { N: "0" } } }, "json"],
      [{ S: "one" }, "text"],
      [{ B: "/w==" }, "binary"],
    ],
  },
  "too big": { bytes: "x".repeat(410_000), stored: undefined },
} as const satisfies Record<
  string,
  { bytes: string | Uint8Array; stored: ReadonlyArray<Stored> | undefined }
>;

const payload: fc.Arbitrary<Payload | Other> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      sensor: fc.constantFrom("temperature", "humidity"),
      value: fc.integer({ min: -50, max: 50 }),
      ok: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...(Object.keys(OTHER_PAYLOADS) as Other[])),
  },
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

/** The items the seed's EventLogs table must hold for a record (written out independently). */
const expectedItems = (s: Sent): AttributeMap[] => {
  const common = {
    timestamp: { S: new Date(s.at).toISOString() },
    sequenceNumber: { S: s.sequenceNumber },
  };
  if (typeof s.payload !== "string")
    return [
      {
        ...common,
        eventId: { S: s.eventId },
        partitionKey: { S: s.partitionKey },
        dataFormat: { S: "json" },
        data: {
          M: {
            sensor: { S: s.payload.sensor },
            value: { N: String(s.payload.value) },
            ok: { BOOL: s.payload.ok },
          },
        },
      },
    ];
  const stored: ReadonlyArray<Stored> = OTHER_PAYLOADS[s.payload].stored ?? [];
  if (s.payload !== "KPL aggregate")
    return stored.map(([data, dataFormat]) => ({
      ...common,
      eventId: { S: s.eventId },
      partitionKey: { S: s.partitionKey },
      dataFormat: { S: dataFormat },
      data,
    }));
  return stored.map(([data, dataFormat], sub) => ({
    ...common,
    eventId: { S: `${s.eventId}:${sub}` },
    partitionKey: { S: "user" },
    subSequenceNumber: { N: String(sub) },
    dataFormat: { S: dataFormat },
    data,
  }));
};
const isValid = (s: Sent): boolean => typeof s.payload !== "string" || s.payload !== "too big";

const runs = numRuns(300);

describe("Kinesis → EventLogs under faults and redeliveries (model-based)", () => {
  it(
    "after draining: one item per distinct event, every record too big reported once per completing delivery",
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
              model.sent.flatMap(expectedItems).sort(byId),
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
