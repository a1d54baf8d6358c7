import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { RetryEnv } from "../shared/retry.js";
import { TableWriterOverDynamoDb } from "../shared/TableWriterOverDynamoDb.js";
import { awsDynamoDbCalls } from "./awsDynamoDbCalls.js";

/**
 * {@link TableWriterOverDynamoDb} on a DynamoDB table (BatchWriteItem, 25 requests per call,
 * unprocessed items retried until the deadline, key schema from DescribeTable).
 *
 * @example
 * const writer = new DynamoDbTableWriter(new DynamoDBClient({}), "replica");
 */
export class DynamoDbTableWriter extends TableWriterOverDynamoDb {
  constructor(client: DynamoDBClient, ...table: [tableName: string, retry?: RetryEnv]) {
    super(awsDynamoDbCalls(client), ...table);
  }
}
