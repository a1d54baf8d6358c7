import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { AggregateStore } from "../../ports/aggregateStore.js";
import type { RejectSink } from "../../ports/rejectSink.js";
import type { StreamShards } from "../../ports/streamShards.js";
import { createStreamAggregateHandler } from "../streamAggregate.js";

/** The ports of the aggregation pipeline (seed 002). */
export interface AggregationPorts {
  /** The totals, applied exactly once per record. */
  readonly store: AggregateStore;
  /** Where unreadable images are reported. */
  readonly rejects: RejectSink;
  /** The stream's shards, read back after a tumbling window was removed (none: such a batch fails). */
  readonly shards?: StreamShards;
}

/**
 * Aggregation wired: DynamoDB stream of the orders → streamAggregate → `store`. Any adapters of
 * the ports will do: in-memory, AWS, or fault-decorated (`withFaults`).
 *
 * @example
 * const { streamAggregate } = assembleAggregation({ store, rejects }, { spec: seedAggregateSpec });
 * await streamAggregate(streamEvent, context); // { batchItemFailures: [] }
 */
export const assembleAggregation = (
  ports: AggregationPorts,
  options: { readonly spec?: AggregateSpec; readonly parallelizationFactor?: number } = {},
) => ({
  streamAggregate: createStreamAggregateHandler({
    store: ports.store,
    rejects: ports.rejects,
    ...(ports.shards ? { shards: ports.shards } : {}),
    ...(options.spec ? { spec: options.spec } : {}),
    ...(options.parallelizationFactor === undefined
      ? {}
      : { parallelizationFactor: options.parallelizationFactor }),
  }),
});

/** The handler {@link assembleAggregation} wires. */
export type AggregationHandlers = ReturnType<typeof assembleAggregation>;
