import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { SequenceGuardedTableWriterOverDynamoDb } from "../shared/SequenceGuardedTableWriterOverDynamoDb.js";
import type { SequenceGuardOptions } from "../shared/sequenceGuardedWrites.js";
import { inMemoryDynamoDbCalls } from "./inMemoryDynamoDbCalls.js";

/**
 * {@link SequenceGuardedTableWriterOverDynamoDb} on an {@link InMemoryDynamoDb}: the DynamoDB
 * adapter's guarded transactions (version put `attribute_not_exists(pk) OR seq < :seq` with the
 * replica write) run against the simulator, so an older command never overwrites a newer one,
 * whatever the delivery order.
 *
 * @example
 * db.createTable("versions", { partitionKey: "pk" });
 * const writer = new InMemorySequenceGuardedTableWriter(db, { table: "replica", versionTable: "versions" });
 */
export class InMemorySequenceGuardedTableWriter extends SequenceGuardedTableWriterOverDynamoDb {
  constructor(db: InMemoryDynamoDb, options: SequenceGuardOptions) {
    super(inMemoryDynamoDbCalls(db), options);
  }
}
