import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { TableScannerOverDynamoDb } from "../shared/TableScannerOverDynamoDb.js";
import { awsDynamoDbCalls } from "./awsDynamoDbCalls.js";

/**
 * {@link TableScannerOverDynamoDb} on a DynamoDB table: DescribeTable for the key schema, then
 * parallel Scan segments (`ConsistentRead`), each following `LastEvaluatedKey` to its end. The
 * SDK's standard retries handle throttling.
 *
 * @example
 * const count = await new DynamoDbTableScanner(new DynamoDBClient({}), "orders").scan({ onPage })();
 */
export class DynamoDbTableScanner extends TableScannerOverDynamoDb {
  constructor(client: DynamoDBClient, table: string) {
    super(awsDynamoDbCalls(client), table);
  }
}
