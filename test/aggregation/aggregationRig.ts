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
import { OutageRejectSink } from "../support/outageRejectSink.js";
import { streamSide } from "../support/streamSide.js";

/**
 * An orders table with a stream, a totals table, and the aggregation handler between them; the
 * store answers the scheduled faults, one per call (then "ok").
 * @example const rig = aggregationRig(["transient"]); await rig.invoke(rig.db.stream("orders").all());
 */
export const aggregationRig = (
  schedule: ReadonlyArray<Fault> = [],
  options: { readonly parallelizationFactor?: number } = { parallelizationFactor: 1 },
) => {
  const { db, layout, store, shards, totals: items } = aggregationServices();
  const rejects = new InMemoryRejectSink();
  const { streamAggregate: handler } = assembleAggregation(
    { store: withFaults(store, FaultPlan.schedule(schedule)), rejects, shards },
    options,
  );
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

/**
 * The event source mapping of the fault rig: a tumbling window (events carry the shard id), bisect
 * on error, a ParallelizationFactor and the order its concurrent batches start in, and whether
 * the handler is told the factor (`PARALLELIZATION_FACTOR`).
 */
export interface RigMapping {
  readonly windowSeconds?: number;
  readonly bisectOnError?: boolean;
  readonly parallelizationFactor?: number;
  /**
   * What the handler is told the ParallelizationFactor is: the mapping's (`"told"`, default),
   * nothing (`"unset"`: the handler must assume the worst), or 1 whatever the mapping runs
   * (`"told 1"`: a wrong configuration, only to show the risk).
   */
  readonly handlerKnows?: "told" | "unset" | "told 1";
  readonly order?: (n: number) => ReadonlyArray<number>;
}

/** What the fault rig of the aggregation is built from. */
export interface StreamAggregateRigOptions {
  readonly batchSize: number;
  /**
   * Source tables, each its own stream shard into the same totals: `orders` (default), or
   * `orders` and `orders2`.
   */
  readonly shards?: 1 | 2;
  /** Builds the store's fault plan from the rig's clock. */
  readonly plan: (clock: VirtualClock) => FaultPlan;
  /** The store without faults (default: the in-memory one on `totals`). */
  readonly store?: (clock: VirtualClock) => AggregateStore;
  /** The event source mapping at the start (it can change: `remap`). */
  readonly mapping?: RigMapping;
}

/**
 * The aggregation under port-level faults for the model-based commands (test/support/commands):
 * `orders` (stream) → streamAggregate (store behind `withFaults`, a new invocation per call) →
 * totals, on a virtual clock; the stream side steps, redelivers any window and drains; the
 * mapping can be updated between deliveries (`remap`), and the reject destination can fail
 * (`rejectOutage`).
 * @example const real = streamAggregateRig({ batchSize: 2, plan: () => FaultPlan.none() });
 */
export const streamAggregateRig = (options: StreamAggregateRigOptions) => {
  const services = aggregationServices();
  const { clock, db } = services;
  const faults = options.plan(clock);
  const rejects = new OutageRejectSink();
  const unexpected = unexpectedErrors();
  const store = withFaults(options.store?.(clock) ?? services.store, faults);
  const sources = options.shards === 2 ? ["orders", "orders2"] : ["orders"];
  if (options.shards === 2)
    db.createTable("orders2", { partitionKey: "order_id" }, { stream: true });
  const streams = sources.map((table) => db.stream(table));
  const handlerFor = (mapping: RigMapping) => {
    const knows = mapping.handlerKnows ?? "told";
    const factor = knows === "told 1" ? 1 : (mapping.parallelizationFactor ?? 1);
    const { streamAggregate } = assembleAggregation(
      { store, rejects, shards: services.shards },
      knows === "unset" ? {} : { parallelizationFactor: factor },
    );
    return unexpected.wrap(perInvocation([faults], streamAggregate));
  };
  let current = handlerFor(options.mapping ?? {});
  const runnerMapping = (mapping: RigMapping) => ({
    ...(mapping.bisectOnError ? { bisectOnError: true } : {}),
    ...(mapping.parallelizationFactor
      ? { parallelizationFactor: mapping.parallelizationFactor }
      : {}),
    ...(mapping.order ? { order: mapping.order } : {}),
  });
  const windowOf = (mapping: RigMapping) => {
    const seconds = mapping.windowSeconds;
    return seconds
      ? (shard: number) => ({
          seconds,
          shardId: streams[shard]?.shardId ?? "",
          eventSourceArn: streams[shard]?.arn ?? "",
          now: clock.now,
        })
      : undefined;
  };
  const initialWindow = windowOf(options.mapping ?? {});
  const stream = streamSide(streams, (event, context) => current(event, context), {
    batchSize: options.batchSize,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    eventIdOf: (record) => record.eventID ?? "",
    context: () => localContext("streamAggregate", 60_000, clock.now),
    maxAttempts: 300,
    mapping: runnerMapping(options.mapping ?? {}),
    ...(initialWindow ? { window: initialWindow } : {}),
  });
  return {
    ...services,
    ...stream,
    sources,
    faults,
    rejects,
    unexpected: unexpected.errors,
    drain: () => {
      rejects.outage = false;
      return stream.drainStreams();
    },
    passTime: (ms: number) => clock.advance(ms),
    /** The mapping updated (and the handler's environment with it). */
    remap: (mapping: RigMapping) => {
      current = handlerFor(mapping);
      stream.remap(runnerMapping(mapping), windowOf(mapping));
    },
    rejectOutage: (on: boolean) => {
      rejects.outage = on;
    },
  };
};

/** The rig {@link streamAggregateRig} builds. */
export type StreamAggregateRig = ReturnType<typeof streamAggregateRig>;

const s = (value: AttributeMap[string] | undefined): string =>
  value && "S" in value ? value.S : "?";
const n = (value: AttributeMap[string] | undefined): string =>
  value && "N" in value ? value.N : "?";
