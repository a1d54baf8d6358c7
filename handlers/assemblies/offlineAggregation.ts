import type { DynamoDBRecord } from "aws-lambda";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryStreamShards } from "../../adapters/memory/InMemoryStreamShards.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { type AggregateSpec, seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { withoutWatermarks } from "../../domain/totalWatermarks.js";
import { assembleAggregation } from "./assembleAggregation.js";

/**
 * The services of offline aggregation on a virtual clock: table `orders` (key `order_id`, with a
 * stream), table `totals` (keyed by the spec's group-by), and the in-memory store on `totals`.
 *
 * @example
 * const s = aggregationServices();
 * s.db.put("orders", order); s.totals(); // []
 */
export const aggregationServices = (
  options: { readonly spec?: AggregateSpec; readonly clock?: VirtualClock } = {},
) => {
  const clock = options.clock ?? virtualClock();
  const spec = options.spec ?? seedAggregateSpec;
  const layout = markerLayoutOf(spec);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
  const [pk, sk] = spec.groupBy;
  db.createTable(
    "totals",
    sk ? { partitionKey: pk.target, sortKey: sk.target } : { partitionKey: pk.target },
  );
  const store = new InMemoryAggregateStore(db, "totals", spec, layout, clock.now);
  return {
    clock,
    spec,
    layout,
    db,
    store,
    /** The streams' shards, as the handler reads them back. */
    shards: new InMemoryStreamShards(db),
    /** The totals, marker items and watermark attributes left out. */
    totals: (): ReadonlyArray<AttributeMap> =>
      db
        .scan("totals")
        .filter((item) => !isMarker(layout, item))
        .map(withoutWatermarks),
  };
};

/**
 * Seed 002 offline: table `orders` (key `order_id`, with a stream) → streamAggregate →
 * table `totals` (key `order_date`, `item_number`), exactly once, on in-memory services.
 *
 * @example
 * const p = offlineAggregation();
 * p.db.put("orders", { order_id: { S: "1" }, order_date: { S: "2026-11-21T10:00:00Z" }, item_id: { S: "item123" }, quantity: { N: "10" } });
 * await p.run();
 * p.totals(); // [{ order_date: { S: "2026-11-21" }, item_number: { S: "item123" }, quantity: { N: "10" } }]
 */
export const offlineAggregation = (
  options: { readonly spec?: AggregateSpec; readonly batchSize?: number } = {},
) => {
  const services = aggregationServices(options.spec ? { spec: options.spec } : {});
  const rejects = new InMemoryRejectSink();
  const { streamAggregate } = assembleAggregation(
    { store: services.store, rejects, shards: services.shards },
    { spec: services.spec },
  );
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(
    services.db.stream("orders"),
    streamAggregate,
    {
      batchSize: options.batchSize ?? 2,
      sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    },
  );
  return {
    clock: services.clock,
    db: services.db,
    totals: services.totals,
    rejects,
    /** Delivers the orders' stream to the aggregation handler. */
    run: () => runner.drain(),
  };
};
