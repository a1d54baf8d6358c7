import type {
  BatchWriteItemCommandInput,
  BatchWriteItemOutput,
  DescribeTableCommandInput,
  DescribeTableOutput,
  GetItemCommandInput,
  GetItemOutput,
  ScanCommandInput,
  ScanOutput,
  TransactWriteItemsCommandInput,
  TransactWriteItemsOutput,
  UpdateItemCommandInput,
  UpdateItemOutput,
} from "@aws-sdk/client-dynamodb";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The DynamoDB operations the shared adapters need, with the SDK's request and response shapes
 * and failures shaped like SDK exceptions. Bound to DynamoDB by adapters/aws (`client.send`) and
 * to the in-memory DynamoDB by adapters/memory, so both run the same adapter code.
 *
 * @example
 * const output = await calls.describeTable({ TableName: "replica" })();
 */
export interface DynamoDbCalls {
  readonly batchWriteItem: (
    input: BatchWriteItemCommandInput,
  ) => TE.TaskEither<ServiceFailure, BatchWriteItemOutput>;
  readonly transactWriteItems: (
    input: TransactWriteItemsCommandInput,
  ) => TE.TaskEither<ServiceFailure, TransactWriteItemsOutput>;
  readonly describeTable: (
    input: DescribeTableCommandInput,
  ) => TE.TaskEither<ServiceFailure, DescribeTableOutput>;
  readonly getItem: (input: GetItemCommandInput) => TE.TaskEither<ServiceFailure, GetItemOutput>;
  readonly updateItem: (
    input: UpdateItemCommandInput,
  ) => TE.TaskEither<ServiceFailure, UpdateItemOutput>;
  readonly scan: (input: ScanCommandInput) => TE.TaskEither<ServiceFailure, ScanOutput>;
}
