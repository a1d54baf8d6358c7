import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SequenceGuardedTableWriterOverDynamoDb } from "../shared/SequenceGuardedTableWriterOverDynamoDb.js";
import type { SequenceGuardOptions } from "../shared/sequenceGuardedWrites.js";
import { awsDynamoDbCalls } from "./awsDynamoDbCalls.js";

/**
 * {@link SequenceGuardedTableWriterOverDynamoDb} on DynamoDB: commands with `seq` written in
 * TransactWriteItems with their version item, so an older command never overwrites a newer one.
 * The version table needs key `pk` (S); version items never expire unless `versionTtlSeconds`.
 *
 * @example
 * const writer = new DynamoDbSequenceGuardedTableWriter(new DynamoDBClient({}), { table: "replica", versionTable: "replica-versions" });
 */
export class DynamoDbSequenceGuardedTableWriter extends SequenceGuardedTableWriterOverDynamoDb {
  constructor(client: DynamoDBClient, options: SequenceGuardOptions) {
    super(awsDynamoDbCalls(client), options);
  }
}
