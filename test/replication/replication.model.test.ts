import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { decodeMessageBody } from "../../domain/messageBody.js";
import { compareSequenceNumbers } from "../../domain/writeCommand.js";
import { Accept } from "../support/commands/Accept.js";
import { Drain } from "../support/commands/Drain.js";
import { PumpQueue } from "../support/commands/PumpQueue.js";
import type { Inputs, Redeliveries } from "../support/commands/pipelineUnderTest.js";
import { playThenDrain } from "../support/commands/playThenDrain.js";
import { RedeliverMessages } from "../support/commands/RedeliverMessages.js";
import { RedeliverStream } from "../support/commands/RedeliverStream.js";
import { StepStream } from "../support/commands/StepStream.js";
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

type Model = Redeliveries & { readonly items: Map<string, AttributeMap> };
/** A source item written (`attrs` given) or deleted. */
type Input = { readonly pk: string; readonly attrs?: AttributeMap };
type Real = ReplicationRig & Inputs<Model, Input>;

const keyOfPk = (pk: string): AttributeMap => ({ pk: { S: pk } });

const accept = (model: Model, real: ReplicationRig, { pk, attrs }: Input) => {
  if (attrs === undefined) {
    real.db.delete("source", keyOfPk(pk));
    model.items.delete(pk);
    return;
  }
  const item = { ...attrs, ...keyOfPk(pk) };
  real.db.put("source", item);
  model.items.set(pk, item);
};

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
  fc.commands<Model, Real, false>(
    [
      ...[1, 2, 3].map(() => fc.tuple(pk, attrs).map(([p, a]) => new Accept({ pk: p, attrs: a }))),
      pk.map((p) => new Accept({ pk: p })),
      StepStream.arbitrary(4),
      PumpQueue.arbitrary(),
      // FIFO: the `length` records before the checkpoint again; standard: any window.
      RedeliverStream.arbitrary({ maxFrom: 40, maxLength: 8, beforeCheckpoint: fifo }),
      fc.constant(new Drain()),
      ...(fifo ? [] : [RedeliverMessages.arbitrary()]),
    ],
    { maxCommands: 60, size: "max" },
  );

const kinds = PORT_FAULTS.TableWriter;
const faults = faultSchedule(kinds);

const checkInvariants = (real: Real, model: Model) => {
  expect(real.db.scan("source")).toEqual([...model.items.values()].sort(byPk));
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
            const rig = replicationRig({
              fifo,
              streamBatchSize,
              seed,
              serviceFaultRate: rate,
              plans: (clock) => ({
                queue: scheduledPlan(queueFaults, clock, seed),
                table: scheduledPlan(tableFaults, clock, seed + 1),
              }),
            });
            const real: Real = { ...rig, accept: (model, input) => accept(model, rig, input) };
            const model: Model = { items: new Map(), redelivered: new Map() };
            await playThenDrain(model, real, cmds);
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
