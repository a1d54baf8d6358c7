import fc from "fast-check";
import type { FaultKind } from "../../adapters/localAws/faults/faultPlan.js";
import { Accept } from "../support/commands/Accept.js";
import { PumpQueue } from "../support/commands/PumpQueue.js";
import type {
  Inputs,
  QueueSide,
  Redeliveries,
  StreamSide,
} from "../support/commands/pipelineUnderTest.js";
import { RedeliverStream } from "../support/commands/RedeliverStream.js";
import { StepStream } from "../support/commands/StepStream.js";
import type { FaultRule } from "../support/faultProxy.js";
import { seededRandom } from "../support/sqs.js";

/** Builders for the fault tests on the emulators (test/faults/pipelinesUnderFaults.aws.test.ts). */

/**
 * Service-level faults injected so far, by operation.
 * @example injected.get("TransactWriteItems")
 */
export const injected = new Map<string, number>();

/**
 * A proxy rule: a seeded share of the writes naming `table` fail at the service, below the
 * adapters (throttling, a cancelled transaction, UnprocessedItems for half of a batch).
 * @example proxy.rule = serviceFaults(table, seed);
 */
export const serviceFaults = (table: string, seed: number, rate = 0.2): FaultRule => {
  const random = seededRandom(seed);
  return ({ operation, body }) => {
    if (!JSON.stringify(body ?? {}).includes(`"${table}"`) || random() >= rate) return undefined;
    injected.set(operation, (injected.get(operation) ?? 0) + 1);
    if (operation === "TransactWriteItems")
      return random() < 0.5
        ? { error: "ThrottlingException" }
        : {
            error: "TransactionCanceledException",
            message: "Transaction cancelled [TransactionConflict]",
          };
    if (operation === "UpdateItem")
      return {
        error: random() < 0.5 ? "ThrottlingException" : "ProvisionedThroughputExceededException",
      };
    if (operation !== "BatchWriteItem") return undefined;
    if (random() < 0.5) return { error: "ProvisionedThroughputExceededException" };
    const items = (body as { RequestItems: Record<string, unknown[]> }).RequestItems[table] ?? [];
    return {
      forward: { RequestItems: { [table]: items.filter((_, i) => i % 2 === 0) } },
      answer: (response) => ({
        ...(response as object),
        UnprocessedItems: items.length < 2 ? {} : { [table]: items.filter((_, i) => i % 2 === 1) },
      }),
    };
  };
};

/** One step of a run: a change to the source, some pumping, or a redelivered window. */
export type Step =
  | { readonly kind: "put"; readonly id: string; readonly n: number; readonly item: string }
  | { readonly kind: "delete"; readonly id: string }
  | { readonly kind: "pump"; readonly n: number }
  | { readonly kind: "redeliver"; readonly from: number; readonly length: number };

const id = fc.constantFrom("a", "b", "c");
/**
 * The steps of a run, 4 to 20.
 * @example fc.asyncProperty(steps, async (plan) => { for (const step of plan) … })
 */
export const steps: fc.Arbitrary<ReadonlyArray<Step>> = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("put" as const),
        id,
        n: fc.integer({ min: -5, max: 30 }),
        item: fc.constantFrom("i1", "i2"),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), id }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("pump" as const),
        n: fc.integer({ min: 1, max: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("redeliver" as const),
        from: fc.nat(20),
        length: fc.integer({ min: 1, max: 6 }),
      }),
    },
  ),
  { minLength: 4, maxLength: 20 },
);
/** The faults a write port can show. */
export const writeKinds: ReadonlyArray<FaultKind> = [
  "transient",
  "timeout",
  "crashBefore",
  "crashAfter",
  "crashAfterK",
  "partial",
  "transactionCanceled",
];

/**
 * Plays a run's steps as the shared model-based commands: a change is accepted, a pump steps
 * the stream (and the queue, when there is one), a redelivery hands a window of the stream again
 * (`beforeCheckpoint`: the records before the checkpoint, as a FIFO pipeline re-reads them;
 * `fromCheckpoint`: a window starting at or before the checkpoint, as Lambda resends a shard).
 * @example await runSteps(plan, model, real, { queue: real, beforeCheckpoint: true });
 */
export const runSteps = async <M extends Redeliveries>(
  plan: ReadonlyArray<Step>,
  model: M,
  real: Inputs<M, Step> & StreamSide,
  options: {
    readonly queue?: QueueSide;
    readonly beforeCheckpoint?: boolean;
    readonly fromCheckpoint?: boolean;
  } = {},
): Promise<void> => {
  for (const step of plan) {
    if (step.kind === "put" || step.kind === "delete")
      await new Accept<M, Step>(step).run(model, real);
    else if (step.kind === "redeliver")
      await new RedeliverStream(
        0,
        step.from,
        step.length,
        options.beforeCheckpoint,
        options.fromCheckpoint,
      ).run(model, real);
    else {
      await new StepStream(0, step.n).run(model, real);
      if (options.queue)
        await new PumpQueue(step.n, 1 + (step.n % 3) * 4).run(model, options.queue);
    }
  }
};
