import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RetryEnv } from "../shared/retry.js";
import { TotalAttributeWriterOverDynamoDb } from "../shared/TotalAttributeWriterOverDynamoDb.js";
import { awsDynamoDbCalls } from "./awsDynamoDbCalls.js";

/**
 * {@link TotalAttributeWriterOverDynamoDb} on a DynamoDB table: one UpdateItem per total that
 * sets or removes the aggregation's attribute alone.
 *
 * @example
 * const totals = new DynamoDbTotalAttributeWriter(new DynamoDBClient({}), "totals", "quantity");
 */
export class DynamoDbTotalAttributeWriter extends TotalAttributeWriterOverDynamoDb {
  constructor(
    client: DynamoDBClient,
    ...target: [tableName: string, attribute: string, retry?: RetryEnv]
  ) {
    super(awsDynamoDbCalls(client), ...target);
  }
}
