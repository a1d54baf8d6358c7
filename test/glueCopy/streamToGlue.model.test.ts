import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { type FaultPlan, PORT_FAULTS } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { assembleGlueCopy } from "../../handlers/assemblies/assembleGlueCopy.js";
import { glueCopyServices } from "../../handlers/assemblies/offlineGlueCopy.js";
import { Accept } from "../support/commands/Accept.js";
import { Drain } from "../support/commands/Drain.js";
import { PassTime } from "../support/commands/PassTime.js";
import type { Inputs, Redeliveries } from "../support/commands/pipelineUnderTest.js";
import { playThenDrain } from "../support/commands/playThenDrain.js";
import { RedeliverStream } from "../support/commands/RedeliverStream.js";
import { StepStream } from "../support/commands/StepStream.js";
import {
  faultCoverage,
  faultSchedule,
  numRuns,
  scheduledPlan,
  timeoutFor,
  unexpectedErrors,
} from "../support/faults.js";
import { streamSide } from "../support/streamSide.js";
import { payment, paymentMappings } from "./glueRig.js";

// Model-based: random changes to `api-pagos` (some to `tmp-` items, which no run is needed for),
// random stream batching, job runs completing at random times, random redeliveries, and
// port-level faults on StartJobRun (throttling, ConcurrentRunsExceeded, a run started whose answer
// is lost, crashes before and after the start). After draining: every relevant change is followed
// by a job run that started after it (times on the virtual clock), an invocation starts at most
// one run, and only when its batch holds a relevant change.

type Change = { readonly id: string; readonly at: number };
type Model = Redeliveries & { readonly changes: Change[] };
type Invocation = { readonly records: ReadonlyArray<DynamoDBRecord>; readonly runs: number };
/** A payment written (`amount` given) or deleted. */
type Input = { readonly id: string; readonly amount?: number };

const isTmp = (id: string) => id.startsWith("tmp-");
const idOf = (record: DynamoDBRecord): string =>
  (record.dynamodb?.Keys?.id as { S?: string } | undefined)?.S ?? "";

const rig = (
  batchSize: number,
  maxConcurrentRuns: number,
  plan: (c: VirtualClock) => FaultPlan,
) => {
  const { clock, db, jobs } = glueCopyServices({ mappings: paymentMappings, maxConcurrentRuns });
  const faults = plan(clock);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const { streamToGlue } = assembleGlueCopy(
    { jobs: withFaults(jobs, faults), rejects },
    { isRelevant: (change) => !isTmp(String((change.keys.id as { S?: string }).S)) },
  );
  const handler = unexpected.wrap(perInvocation([faults], streamToGlue));
  const invocations: Invocation[] = [];
  const counted: typeof handler = async (event: DynamoDBStreamEvent, context) => {
    const before = jobs.runs.length;
    try {
      return await handler(event, context);
    } finally {
      invocations.push({ records: event.Records, runs: jobs.runs.length - before });
    }
  };
  const stream = streamSide([db.stream("api-pagos")], counted, {
    batchSize,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    eventIdOf: (record) => record.eventID ?? "",
    context: () => localContext("streamToGlue", 60_000, clock.now),
    maxAttempts: 500,
    beforeInvoke: () => clock.advance(1),
  });
  /** Time passes: the started runs complete. */
  const passTime = (ms: number) => {
    clock.advance(ms);
    jobs.completeRuns();
  };
  const accept = (model: Model, { id, amount }: Input) => {
    clock.advance(1);
    const before = db.stream("api-pagos").all().length;
    if (amount === undefined) db.delete("api-pagos", { id: { S: id } });
    else db.put("api-pagos", payment(id, String(amount)));
    if (db.stream("api-pagos").all().length > before) model.changes.push({ id, at: clock.now() });
    clock.advance(1);
  };
  return {
    ...stream,
    clock,
    faults,
    db,
    jobs,
    rejects,
    unexpected: unexpected.errors,
    invocations,
    passTime,
    accept,
    /** The stream until idle; a failed start waits for the running runs to complete. */
    drain: () => stream.drainStreams(() => passTime(30_000)),
  };
};
type Real = ReturnType<typeof rig> & Inputs<Model, Input>;

const id = fc.constantFrom("p1", "p2", "p3", "tmp-1");
const commands = fc.commands<Model, Real, false>(
  [
    ...[1, 2].map(() =>
      fc
        .tuple(id, fc.integer({ min: 1, max: 500 }))
        .map(([i, a]) => new Accept({ id: i, amount: a })),
    ),
    id.map((i) => new Accept({ id: i })),
    StepStream.arbitrary(3),
    fc.constant(new PassTime(30_000)),
    RedeliverStream.arbitrary({ maxFrom: 30, maxLength: 6 }),
    fc.constant(new Drain()),
  ],
  { maxCommands: 50, size: "max" },
);
const kinds = PORT_FAULTS.JobRunner;

const runs = numRuns(300);

describe("DynamoDB stream → Glue under faults (model-based)", () => {
  it(
    "every relevant change is followed by a run started after it; at most one run per invocation, only for relevant changes",
    async () => {
      const coverage = faultCoverage();
      await fc.assert(
        fc.asyncProperty(
          commands,
          faultSchedule(kinds),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 2 }),
          fc.nat(),
          async (cmds, schedule, batchSize, maxRuns, seed) => {
            const real = rig(batchSize, maxRuns, (clock) => scheduledPlan(schedule, clock, seed));
            const model: Model = { changes: [], redelivered: new Map() };
            await playThenDrain(model, real, cmds);
            coverage.add(real.faults);

            expect(real.rejects.records).toEqual([]);
            expect(real.db.stream("api-pagos").all()).toHaveLength(model.changes.length);
            const starts = real.jobs.runs.map((run) => run.startedAt);
            for (const change of model.changes.filter((c) => !isTmp(c.id)))
              expect(
                starts.some((at) => at > change.at),
                `no run after ${JSON.stringify(change)}`,
              ).toBe(true);
            for (const invocation of real.invocations) {
              expect(invocation.runs).toBeLessThanOrEqual(1);
              if (invocation.runs > 0)
                expect(invocation.records.some((r) => !isTmp(idOf(r)))).toBe(true);
            }
          },
        ),
        { numRuns: runs },
      );
      expect(coverage.missing(kinds)).toEqual([]);
    },
    timeoutFor(runs, 50),
  );
});
