import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import type { RetryEnv } from "../shared/retry.js";
import { TotalAttributeWriterOverDynamoDb } from "../shared/TotalAttributeWriterOverDynamoDb.js";
import { inMemoryDynamoDbCalls } from "./inMemoryDynamoDbCalls.js";

/**
 * {@link TotalAttributeWriterOverDynamoDb} on an {@link InMemoryDynamoDb} table: the DynamoDB
 * adapter's code (one UpdateItem per total, SET or conditional REMOVE of one attribute) running
 * against the simulator.
 *
 * @example
 * const totals = new InMemoryTotalAttributeWriter(db, "totals", "quantity");
 */
export class InMemoryTotalAttributeWriter extends TotalAttributeWriterOverDynamoDb {
  constructor(
    db: InMemoryDynamoDb,
    ...target: [table: string, attribute: string, retry?: RetryEnv]
  ) {
    super(inMemoryDynamoDbCalls(db), ...target);
  }
}
