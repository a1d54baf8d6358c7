import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { StreamShardsOverDynamoDbStreams } from "../shared/StreamShardsOverDynamoDbStreams.js";
import { inMemoryDynamoDbStreamsCalls } from "./inMemoryDynamoDbStreamsCalls.js";

/**
 * {@link StreamShardsOverDynamoDbStreams} on the streams of an in-memory DynamoDB's tables (one
 * shard each, `InMemoryTableStream.shardId`).
 *
 * @example
 * const shards = new InMemoryStreamShards(db);
 */
export class InMemoryStreamShards extends StreamShardsOverDynamoDbStreams {
  constructor(db: InMemoryDynamoDb) {
    super(inMemoryDynamoDbStreamsCalls(db));
  }
}
