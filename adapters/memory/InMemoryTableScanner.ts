import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { TableScannerOverDynamoDb } from "../shared/TableScannerOverDynamoDb.js";
import { inMemoryDynamoDbCalls } from "./inMemoryDynamoDbCalls.js";

/**
 * {@link TableScannerOverDynamoDb} on an {@link InMemoryDynamoDb} table: the DynamoDB adapter's
 * code (DescribeTable, parallel Scan segments following `LastEvaluatedKey`) running against the
 * simulator, which pages a scan as DynamoDB does (1 MB or `Limit` items per page).
 *
 * @example
 * const count = await new InMemoryTableScanner(db, "orders").scan({ onPage: console.log })();
 */
export class InMemoryTableScanner extends TableScannerOverDynamoDb {
  constructor(db: InMemoryDynamoDb, table: string) {
    super(inMemoryDynamoDbCalls(db), table);
  }
}
