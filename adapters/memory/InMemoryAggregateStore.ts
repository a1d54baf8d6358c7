import type { MarkerLayout } from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { AggregateStoreOverDynamoDb } from "../shared/AggregateStoreOverDynamoDb.js";
import { inMemoryDynamoDbCalls } from "./inMemoryDynamoDbCalls.js";

/**
 * {@link AggregateStoreOverDynamoDb} on an {@link InMemoryDynamoDb} totals table: the DynamoDB
 * adapter's transaction (ADD per total, conditional put per marker) run against the simulator.
 *
 * @example
 * const store = new InMemoryAggregateStore(db, "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec), clock);
 */
export class InMemoryAggregateStore extends AggregateStoreOverDynamoDb {
  constructor(
    db: InMemoryDynamoDb,
    table: string,
    spec: AggregateSpec,
    layout: MarkerLayout,
    clock: () => number,
  ) {
    super(inMemoryDynamoDbCalls(db), table, spec, layout, clock);
  }
}
