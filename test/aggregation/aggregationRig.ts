import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { type Fault, FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { createStreamAggregateHandler } from "../../handlers/streamAggregate.js";

/**
 * An orders table with a stream, a totals table, and the aggregation handler between them; the
 * store answers the scheduled faults, one per call (then "ok").
 */
export const aggregationRig = (schedule: ReadonlyArray<Fault> = []) => {
  const db = new InMemoryDynamoDb(() => 1_700_000_000_000);
  db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
  db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
  const layout = markerLayoutOf(seedAggregateSpec);
  const store = new InMemoryAggregateStore(
    db,
    "totals",
    seedAggregateSpec,
    layout,
    () => 1_700_000_000_000,
  );
  const rejects = new InMemoryRejectSink();
  const handler = createStreamAggregateHandler({
    store: withFaults(store, FaultPlan.schedule(schedule)),
    rejects,
  });
  const invoke = (records: ReadonlyArray<DynamoDBRecord>) =>
    handler(
      { Records: [...records] } satisfies DynamoDBStreamEvent,
      localContext("streamAggregate"),
    );
  /** The totals as "day|item" → quantity, markers left out. */
  const totals = (): Map<string, string> =>
    new Map(
      db
        .scan("totals")
        .filter((item) => !isMarker(layout, item))
        .map((item) => [`${s(item.order_date)}|${s(item.item_number)}`, n(item.quantity)]),
    );
  return { db, layout, rejects, handler, invoke, totals };
};

const s = (value: AttributeMap[string] | undefined): string =>
  value && "S" in value ? value.S : "?";
const n = (value: AttributeMap[string] | undefined): string =>
  value && "N" in value ? value.N : "?";
