import type {
  ChangeMessageVisibilityBatchCommandInput,
  ChangeMessageVisibilityBatchResult,
  DeleteMessageBatchCommandInput,
  DeleteMessageBatchResult,
  GetQueueUrlCommandInput,
  GetQueueUrlResult,
  ReceiveMessageCommandInput,
  ReceiveMessageResult,
} from "@aws-sdk/client-sqs";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The SQS operations a message source (a redrive reading a queue) needs, SDK-shaped. Bound to
 * SQS by adapters/aws and to the in-memory SQS by adapters/memory.
 *
 * @example
 * const output = await calls.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 })();
 */
export interface SqsSourceCalls {
  readonly receiveMessage: (
    input: ReceiveMessageCommandInput,
  ) => TE.TaskEither<ServiceFailure, ReceiveMessageResult>;
  readonly deleteMessageBatch: (
    input: DeleteMessageBatchCommandInput,
  ) => TE.TaskEither<ServiceFailure, DeleteMessageBatchResult>;
  readonly changeMessageVisibilityBatch: (
    input: ChangeMessageVisibilityBatchCommandInput,
  ) => TE.TaskEither<ServiceFailure, ChangeMessageVisibilityBatchResult>;
  readonly getQueueUrl: (
    input: GetQueueUrlCommandInput,
  ) => TE.TaskEither<ServiceFailure, GetQueueUrlResult>;
}
