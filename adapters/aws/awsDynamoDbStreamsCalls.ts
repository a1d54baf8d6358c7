import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDbStreamsCalls } from "../shared/dynamoDbStreamsCalls.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link DynamoDbStreamsCalls} on DynamoDB Streams: each call is `client.send` of its command.
 *
 * @example
 * const shards = new StreamShardsOverDynamoDbStreams(awsDynamoDbStreamsCalls(new DynamoDBStreamsClient({})));
 */
export const awsDynamoDbStreamsCalls = (client: DynamoDBStreamsClient): DynamoDbStreamsCalls => ({
  describeStream: (input) => callService(() => client.send(new DescribeStreamCommand(input))),
  getShardIterator: (input) => callService(() => client.send(new GetShardIteratorCommand(input))),
  getRecords: (input) => callService(() => client.send(new GetRecordsCommand(input))),
});
