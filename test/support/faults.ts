import type { Context } from "aws-lambda";
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import {
  type Fault,
  type FaultKind,
  FaultPlan,
  type FaultPlanOptions,
  faultKind,
} from "../../adapters/localAws/faults/faultPlan.js";
import { isInjectedFault } from "../../adapters/localAws/faults/injectedFaults.js";
import type { DynamoFaultHook } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import type { SqsFaultHook } from "../../adapters/localAws/services/InMemorySqs.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";

/** Builders for the model-based fault tests: run counts, fault schedules, observers. */

/**
 * Runs per property: `FC_NUM_RUNS` when set (`npm run test:deep` sets 2000), else `ciDefault`.
 * @example fc.assert(property, { numRuns: numRuns(100) })
 */
export const numRuns = (ciDefault: number): number => {
  const fromEnv = Number(process.env.FC_NUM_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : ciDefault;
};

/**
 * A test timeout that grows with the number of runs (ms per run, plus a base).
 * @example it("…", async () => { … }, timeoutFor(runs, 50))
 */
export const timeoutFor = (runs: number, msPerRun: number): number => 30_000 + runs * msPerRun;

/**
 * A fault schedule of up to `maxLength` calls, mostly `ok`, drawing the other kinds given.
 * @example faultSchedule(["transient", "partial", "crashAfterK"])
 */
export const faultSchedule = (
  kinds: ReadonlyArray<FaultKind>,
  maxLength = 30,
): fc.Arbitrary<ReadonlyArray<Fault>> => {
  const faulty = kinds.map(
    (kind): fc.Arbitrary<Fault> =>
      kind === "crashAfterK"
        ? fc.integer({ min: 1, max: 4 }).map((k) => ({ crashAfterK: k }))
        : fc.constant(kind),
  );
  return fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant<Fault>("ok") }, ...faulty), {
    maxLength,
  });
};

/**
 * A scheduled plan whose `timeout`s hang past the deadline on the virtual clock (or by `hangMs`
 * when the port has no deadline).
 * @example const plan = scheduledPlan(schedule, clock, seed);
 */
export const scheduledPlan = (
  schedule: ReadonlyArray<Fault>,
  clock: VirtualClock,
  seed: number,
  hangMs = 60_000,
): FaultPlan => {
  const options: FaultPlanOptions = {
    seed,
    hang: (deadline: Deadline | undefined) =>
      clock.advance(deadline === undefined ? hangMs : deadline.remainingMs() + 1),
  };
  return FaultPlan.schedule(schedule, options);
};

/**
 * Wraps a handler to keep every error it throws that is NOT an injected fault: an invocation may
 * die of an injected crash, nothing else.
 * @example const guard = unexpectedErrors(); const handler = guard.wrap(inner); …; expect(guard.errors).toEqual([]);
 */
export const unexpectedErrors = () => {
  const errors: unknown[] = [];
  const wrap =
    <A, R>(handler: (event: A, context: Context) => Promise<R>) =>
    async (event: A, context: Context): Promise<R> => {
      try {
        return await handler(event, context);
      } catch (error) {
        if (!isInjectedFault(error)) errors.push(error);
        throw error;
      }
    };
  return { errors, wrap };
};

/**
 * A {@link TableWriter} observer (put it inside the fault decorator): every command that a call
 * reported done, in order.
 * @example const table = new TrackingTableWriter(writer); withFaults(table, plan); …; table.done
 */
export class TrackingTableWriter implements TableWriter {
  readonly done: WriteCommand[] = [];

  constructor(private readonly inner: TableWriter) {}

  readonly keySchema = (): TE.TaskEither<PipelineError, KeySchema> => this.inner.keySchema();

  readonly write =
    (
      commands: ReadonlyArray<WriteCommand>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, WriteReport> =>
    async () => {
      const report = await this.inner.write(commands, deadline)();
      if (E.isRight(report)) {
        const failed = new Set(report.right.failed.map((f) => f.command));
        this.done.push(...commands.filter((command) => !failed.has(command)));
      }
      return report;
    };
}

/**
 * A {@link MessageQueue} observer (inside the fault decorator): every message the queue accepted.
 * @example const queue = new TrackingMessageQueue(inner); withFaults(queue, plan); …; queue.accepted
 */
export class TrackingMessageQueue implements MessageQueue {
  readonly fifo: boolean;
  readonly accepted: OutgoingMessage[] = [];

  constructor(private readonly inner: MessageQueue) {
    this.fifo = inner.fifo;
  }

  readonly send =
    (
      messages: ReadonlyArray<OutgoingMessage>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, SendReport> =>
    async () => {
      const report = await this.inner.send(messages, deadline)();
      if (E.isRight(report)) {
        const failed = new Set(report.right.failed.map((f) => f.id));
        this.accepted.push(...messages.filter((message) => !failed.has(message.id)));
      }
      return report;
    };
}

/**
 * Which fault kinds the runs of a property really injected (a property that never injects a
 * kind proves nothing about it).
 * @example const coverage = faultCoverage(); coverage.add(plan); expect(coverage.missing(["partial"])).toEqual([]);
 */
export const faultCoverage = () => {
  const seen = new Set<FaultKind>();
  return {
    add: (...plans: ReadonlyArray<FaultPlan>) => {
      for (const plan of plans) for (const { fault } of plan.injected) seen.add(faultKind(fault));
    },
    missing: (kinds: ReadonlyArray<FaultKind>) => kinds.filter((kind) => !seen.has(kind)),
  };
};

/**
 * How often the in-memory services fail below the ports in a run: never, now and then, often.
 * @example fc.asyncProperty(serviceFaultRate, async (rate) => { db.fault = dynamoServiceFaults(random, rate, ["t"]); })
 */
export const serviceFaultRate: fc.Arbitrary<number> = fc.constantFrom(0, 0.1, 0.3);

/**
 * Service-level faults below the ports, for the adapters' own retry loops: a seeded share of the
 * DynamoDB writes to `tables` is throttled, conflicted or left unprocessed.
 * @example db.fault = dynamoServiceFaults(seededRandom(seed), 0.1, ["replica"]);
 */
export const dynamoServiceFaults =
  (random: () => number, rate: number, tables: ReadonlyArray<string>): DynamoFaultHook =>
  (operation, table) => {
    if (!tables.includes(table) || random() >= rate) return undefined;
    if (operation === "BatchWriteItem")
      return random() < 0.5 ? "UnprocessedItems" : "ProvisionedThroughputExceededException";
    if (operation === "TransactWriteItems")
      return random() < 0.5 ? "TransactionConflictException" : "ThrottlingException";
    return undefined;
  };

/**
 * Service-level faults below the MessageQueue port: a seeded share of SendMessageBatch calls fail
 * some of their entries (`InternalError`, not the sender's fault).
 * @example sqs.fault = sqsServiceFaults(seededRandom(seed), 0.1);
 */
export const sqsServiceFaults =
  (random: () => number, rate: number): SqsFaultHook =>
  (operation) =>
    operation === "SendMessageBatch" && random() < rate
      ? {
          failEntry: () =>
            random() < 0.5 ? { code: "InternalError", senderFault: false } : undefined,
        }
      : undefined;

/**
 * How many times each value occurs.
 * @example countOf(["a", "b", "a"]).get("a") // 2
 */
export const countOf = <A>(values: Iterable<A>): Map<A, number> => {
  const counts = new Map<A, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};
