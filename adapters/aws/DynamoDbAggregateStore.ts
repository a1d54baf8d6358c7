import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { MarkerLayout } from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import { AggregateStoreOverDynamoDb } from "../shared/AggregateStoreOverDynamoDb.js";
import { defaultRetryEnv, type RetryEnv } from "../shared/retry.js";
import { awsDynamoDbCalls } from "./awsDynamoDbCalls.js";

/**
 * {@link AggregateStoreOverDynamoDb} on a DynamoDB totals table (TransactWriteItems: `ADD` per
 * total, conditional `Put` per marker, all or nothing).
 *
 * @example
 * const store = new DynamoDbAggregateStore(new DynamoDBClient({}), "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec));
 */
export class DynamoDbAggregateStore extends AggregateStoreOverDynamoDb {
  constructor(
    client: DynamoDBClient,
    table: string,
    spec: AggregateSpec,
    layout: MarkerLayout,
    clock: () => number = Date.now,
    retry: RetryEnv = defaultRetryEnv,
  ) {
    super(awsDynamoDbCalls(client), table, spec, layout, clock, retry);
  }
}
