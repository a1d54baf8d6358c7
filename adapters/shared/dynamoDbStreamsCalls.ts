import type {
  DescribeStreamCommandInput,
  DescribeStreamOutput,
  GetRecordsCommandInput,
  GetRecordsOutput,
  GetShardIteratorCommandInput,
  GetShardIteratorOutput,
} from "@aws-sdk/client-dynamodb-streams";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The DynamoDB Streams operations the shared adapters need, with the SDK's shapes and failures
 * shaped like SDK exceptions. Bound to DynamoDB Streams by adapters/aws and to the in-memory
 * tables' streams by adapters/memory.
 *
 * @example
 * const output = await calls.describeStream({ StreamArn: arn })();
 */
export interface DynamoDbStreamsCalls {
  readonly describeStream: (
    input: DescribeStreamCommandInput,
  ) => TE.TaskEither<ServiceFailure, DescribeStreamOutput>;
  readonly getShardIterator: (
    input: GetShardIteratorCommandInput,
  ) => TE.TaskEither<ServiceFailure, GetShardIteratorOutput>;
  readonly getRecords: (
    input: GetRecordsCommandInput,
  ) => TE.TaskEither<ServiceFailure, GetRecordsOutput>;
}
