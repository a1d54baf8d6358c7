import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { type Fault, FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { assembleAggregation } from "../../handlers/assemblies/assembleAggregation.js";
import { aggregationServices } from "../../handlers/assemblies/offlineAggregation.js";
import type { AggregateStore } from "../../ports/aggregateStore.js";
import { unexpectedErrors } from "../support/faults.js";
import { streamSide } from "../support/streamSide.js";

/**
 * An orders table with a stream, a totals table, and the aggregation handler between them; the
 * store answers the scheduled faults, one per call (then "ok").
 * @example const rig = aggregationRig(["transient"]); await rig.invoke(rig.db.stream("orders").all());
 */
export const aggregationRig = (schedule: ReadonlyArray<Fault> = []) => {
  const { db, layout, store, totals: items } = aggregationServices();
  const rejects = new InMemoryRejectSink();
  const { streamAggregate: handler } = assembleAggregation({
    store: withFaults(store, FaultPlan.schedule(schedule)),
    rejects,
  });
  const invoke = (records: ReadonlyArray<DynamoDBRecord>) =>
    handler(
      { Records: [...records] } satisfies DynamoDBStreamEvent,
      localContext("streamAggregate"),
    );
  /** Invokes as Lambda does with a tumbling window: the event names its shard (watermark mode). */
  const invokeWindow = (records: ReadonlyArray<DynamoDBRecord>, shardId = "shardId-0001") =>
    handler(
      {
        Records: [...records],
        shardId,
        window: { start: "2026-11-30T00:00:00Z", end: "2026-11-30T00:15:00Z" },
        state: {},
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      } as DynamoDBStreamEvent,
      localContext("streamAggregate"),
    );
  /** The totals as "day|item" → quantity, markers left out. */
  const totals = (): Map<string, string> =>
    new Map(
      items().map((item) => [`${s(item.order_date)}|${s(item.item_number)}`, n(item.quantity)]),
    );
  return { db, layout, rejects, handler, invoke, invokeWindow, totals };
};

/** What the fault rig of the aggregation is built from. */
export interface StreamAggregateRigOptions {
  readonly batchSize: number;
  /**
   * Source tables, each its own stream shard into the same totals: `orders` (default), or
   * `orders` and `orders2` (shard ids end in 0 and 1).
   */
  readonly shards?: 1 | 2;
  /** Builds the store's fault plan from the rig's clock. */
  readonly plan: (clock: VirtualClock) => FaultPlan;
  /** The store without faults (default: the in-memory one on `totals`). */
  readonly store?: (clock: VirtualClock) => AggregateStore;
  /**
   * The event source mapping: a tumbling window (events carry the shard id: watermark mode),
   * bisect on error, a ParallelizationFactor (also told to the handler: marker mode) and the
   * order its concurrent batches start in.
   */
  readonly mapping?: {
    readonly windowSeconds?: number;
    readonly bisectOnError?: boolean;
    readonly parallelizationFactor?: number;
    /** Tell the handler the ParallelizationFactor (default true): false only to show the risk. */
    readonly handlerKnowsParallelization?: boolean;
    readonly order?: (n: number) => ReadonlyArray<number>;
  };
}

/**
 * The aggregation under port-level faults for the model-based commands (test/support/commands):
 * `orders` (stream) → streamAggregate (store behind `withFaults`, a new invocation per call) →
 * totals, on a virtual clock; the stream side steps, redelivers any window and drains.
 * @example const real = streamAggregateRig({ batchSize: 2, plan: () => FaultPlan.none() });
 */
export const streamAggregateRig = (options: StreamAggregateRigOptions) => {
  const services = aggregationServices();
  const { clock, db } = services;
  const faults = options.plan(clock);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const store = options.store?.(clock) ?? services.store;
  const mapping = options.mapping ?? {};
  const told = mapping.handlerKnowsParallelization ?? true;
  const { streamAggregate } = assembleAggregation(
    { store: withFaults(store, faults), rejects },
    told && mapping.parallelizationFactor !== undefined
      ? { parallelizationFactor: mapping.parallelizationFactor }
      : {},
  );
  const handler = unexpected.wrap(perInvocation([faults], streamAggregate));
  const windowSeconds = mapping.windowSeconds;
  const sources = options.shards === 2 ? ["orders", "orders2"] : ["orders"];
  if (options.shards === 2)
    db.createTable("orders2", { partitionKey: "order_id" }, { stream: true });
  const stream = streamSide(
    sources.map((table) => db.stream(table)),
    handler,
    {
      batchSize: options.batchSize,
      sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
      eventIdOf: (record) => record.eventID ?? "",
      context: () => localContext("streamAggregate", 60_000, clock.now),
      maxAttempts: 300,
      mapping: {
        ...(mapping.bisectOnError ? { bisectOnError: true } : {}),
        ...(mapping.parallelizationFactor
          ? { parallelizationFactor: mapping.parallelizationFactor }
          : {}),
        ...(mapping.order ? { order: mapping.order } : {}),
      },
      ...(windowSeconds
        ? {
            window: (shard: number) => ({
              seconds: windowSeconds,
              shardId: `shardId-0000000${shard}`,
              now: clock.now,
            }),
          }
        : {}),
    },
  );
  return {
    ...services,
    ...stream,
    sources,
    faults,
    rejects,
    unexpected: unexpected.errors,
    drain: () => stream.drainStreams(),
    passTime: (ms: number) => clock.advance(ms),
  };
};

/** The rig {@link streamAggregateRig} builds. */
export type StreamAggregateRig = ReturnType<typeof streamAggregateRig>;

const s = (value: AttributeMap[string] | undefined): string =>
  value && "S" in value ? value.S : "?";
const n = (value: AttributeMap[string] | undefined): string =>
  value && "N" in value ? value.N : "?";
