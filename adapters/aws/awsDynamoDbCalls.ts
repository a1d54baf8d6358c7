import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDbCalls } from "../shared/dynamoDbCalls.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link DynamoDbCalls} on DynamoDB: each call is `client.send` of its command, the SDK's
 * exception returned as the failure.
 *
 * @example
 * const writer = new TableWriterOverDynamoDb(awsDynamoDbCalls(new DynamoDBClient({})), "replica");
 */
export const awsDynamoDbCalls = (client: DynamoDBClient): DynamoDbCalls => ({
  batchWriteItem: (input) => callService(() => client.send(new BatchWriteItemCommand(input))),
  transactWriteItems: (input) =>
    callService(() => client.send(new TransactWriteItemsCommand(input))),
  describeTable: (input) => callService(() => client.send(new DescribeTableCommand(input))),
  getItem: (input) => callService(() => client.send(new GetItemCommand(input))),
  updateItem: (input) => callService(() => client.send(new UpdateItemCommand(input))),
  scan: (input) => callService(() => client.send(new ScanCommand(input))),
});
