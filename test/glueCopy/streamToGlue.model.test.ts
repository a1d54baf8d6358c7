import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
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
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { createStreamToGlueHandler } from "../../handlers/streamToGlue.js";
import {
  faultCoverage,
  faultSchedule,
  numRuns,
  scheduledPlan,
  timeoutFor,
  unexpectedErrors,
} from "../support/faults.js";
import { payment, paymentMappings } from "./glueRig.js";

// Model-based: random changes to `api-pagos` (some to `tmp-` items, which no run is needed for),
// random stream batching, job runs completing at random times, random redeliveries, and
// port-level faults on StartJobRun (throttling, ConcurrentRunsExceeded, a run started whose answer
// is lost, crashes before and after the start). After draining: every relevant change is followed
// by a job run that started after it (times on the virtual clock), an invocation starts at most
// one run, and only when its batch holds a relevant change.

type Change = { readonly id: string; readonly at: number };
type Model = { readonly changes: Change[] };
type Invocation = { readonly records: ReadonlyArray<DynamoDBRecord>; readonly runs: number };

const isTmp = (id: string) => id.startsWith("tmp-");
const idOf = (record: DynamoDBRecord): string =>
  (record.dynamodb?.Keys?.id as { S?: string } | undefined)?.S ?? "";

const rig = (
  batchSize: number,
  maxConcurrentRuns: number,
  plan: (c: VirtualClock) => FaultPlan,
) => {
  const clock = virtualClock();
  const faults = plan(clock);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("api-pagos", { partitionKey: "id" }, { stream: true });
  db.createTable("api-pos-backup", { partitionKey: "id" });
  const jobs = new InMemoryJobRunner({
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings: paymentMappings,
    maxConcurrentRuns,
    clock: clock.now,
  });
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const handler = unexpected.wrap(
    perInvocation(
      [faults],
      createStreamToGlueHandler({
        jobs: withFaults(jobs, faults),
        rejects,
        isRelevant: (change) => !isTmp(String((change.keys.id as { S?: string }).S)),
      }),
    ),
  );
  const invocations: Invocation[] = [];
  const counted: typeof handler = async (event: DynamoDBStreamEvent, context) => {
    const before = jobs.runs.length;
    try {
      return await handler(event, context);
    } finally {
      invocations.push({ records: event.Records, runs: jobs.runs.length - before });
    }
  };
  const context = () => localContext("streamToGlue", 60_000, clock.now);
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("api-pagos"), counted, {
    batchSize,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    context,
    maxAttempts: 500,
  });
  return { clock, faults, db, jobs, rejects, unexpected, invocations, counted, context, runner };
};
type Real = ReturnType<typeof rig>;

class ChangeItem implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly id: string,
    readonly amount: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    real.clock.advance(1);
    const before = real.db.stream("api-pagos").all().length;
    if (this.amount === undefined) real.db.delete("api-pagos", { id: { S: this.id } });
    else real.db.put("api-pagos", payment(this.id, String(this.amount)));
    if (real.db.stream("api-pagos").all().length > before)
      model.changes.push({ id: this.id, at: real.clock.now() });
    real.clock.advance(1);
  }
  toString = () =>
    this.amount === undefined ? `delete(${this.id})` : `put(${this.id}, ${this.amount})`;
}

class Pump implements fc.AsyncCommand<Model, Real> {
  constructor(readonly steps: number) {}
  check = () => true;
  async run(_: Model, real: Real) {
    for (let i = 0; i < this.steps; i++) {
      real.clock.advance(1);
      if ((await real.runner.step()) === undefined) return;
    }
  }
  toString = () => `pump(${this.steps})`;
}

class CompleteRuns implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_: Model, real: Real) {
    real.clock.advance(30_000);
    real.jobs.completeRuns();
  }
  toString = () => "completeRuns";
}

class Redeliver implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly from: number,
    readonly length: number,
  ) {}
  check = () => true;
  async run(_: Model, real: Real) {
    const all = real.db.stream("api-pagos").all();
    const start = this.from % (all.length + 1);
    real.clock.advance(1);
    await real
      .counted({ Records: all.slice(start, start + this.length) }, real.context())
      .catch(() => undefined);
  }
  toString = () => `redeliver(${this.from}+${this.length})`;
}

const id = fc.constantFrom("p1", "p2", "p3", "tmp-1");
const commands = fc.commands(
  [
    ...[1, 2].map(() =>
      fc.tuple(id, fc.integer({ min: 1, max: 500 })).map(([i, a]) => new ChangeItem(i, a)),
    ),
    id.map((i) => new ChangeItem(i, undefined)),
    fc.integer({ min: 1, max: 3 }).map((n) => new Pump(n)),
    fc.constant(new CompleteRuns()),
    fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 6 })).map(([f, l]) => new Redeliver(f, l)),
  ],
  { maxCommands: 50, size: "max" },
);
const kinds = PORT_FAULTS.JobRunner;

const drain = async (real: Real) => {
  for (let i = 0; i < 2_000; i++) {
    real.clock.advance(1);
    const step = await real.runner.step();
    if (step === undefined) return;
    if (step.failed) {
      real.clock.advance(30_000);
      real.jobs.completeRuns();
    }
  }
  throw new Error("the stream did not drain");
};

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
            const model: Model = { changes: [] };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            await drain(real);
            coverage.add(real.faults);

            expect(real.unexpected.errors).toEqual([]);
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
