import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import type { RetryEnv } from "../shared/retry.js";
import { TableWriterOverDynamoDb } from "../shared/TableWriterOverDynamoDb.js";
import { inMemoryDynamoDbCalls } from "./inMemoryDynamoDbCalls.js";

/**
 * {@link TableWriterOverDynamoDb} on an {@link InMemoryDynamoDb} table: the DynamoDB adapter's
 * code (25 requests per BatchWriteItem, unprocessed items retried with backoff until the
 * deadline) running against the simulator.
 *
 * @example
 * const writer = new InMemoryTableWriter(db, "replica");
 */
export class InMemoryTableWriter extends TableWriterOverDynamoDb {
  constructor(db: InMemoryDynamoDb, ...table: [table: string, retry?: RetryEnv]) {
    super(inMemoryDynamoDbCalls(db), ...table);
  }
}
