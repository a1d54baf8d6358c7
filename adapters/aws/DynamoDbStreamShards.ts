import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { StreamShardsOverDynamoDbStreams } from "../shared/StreamShardsOverDynamoDbStreams.js";
import { awsDynamoDbStreamsCalls } from "./awsDynamoDbStreamsCalls.js";

/**
 * {@link StreamShardsOverDynamoDbStreams} on DynamoDB Streams (DescribeStream, GetShardIterator,
 * GetRecords: the calls Lambda's event source mapping already makes with the function's role).
 *
 * @example
 * const shards = new DynamoDbStreamShards(new DynamoDBStreamsClient({}));
 */
export class DynamoDbStreamShards extends StreamShardsOverDynamoDbStreams {
  constructor(client: DynamoDBStreamsClient) {
    super(awsDynamoDbStreamsCalls(client));
  }
}
