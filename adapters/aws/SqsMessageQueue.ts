import type { SQSClient } from "@aws-sdk/client-sqs";
import type { BatchingLimits } from "../../domain/messageBatching.js";
import { MessageQueueOverSqs } from "../shared/MessageQueueOverSqs.js";
import type { RetryEnv } from "../shared/retry.js";
import { awsSqsCalls } from "./awsSqsCalls.js";

/**
 * {@link MessageQueueOverSqs} on an SQS queue (SendMessageBatch, failed entries retried until
 * the deadline, FIFO groups kept in order when the URL ends in `.fifo`).
 *
 * @example
 * const queue = new SqsMessageQueue(new SQSClient({}), process.env.QUEUE_URL);
 */
export class SqsMessageQueue extends MessageQueueOverSqs {
  constructor(
    client: SQSClient,
    ...queue: [queueUrl: string, retry?: RetryEnv, limits?: BatchingLimits]
  ) {
    super(awsSqsCalls(client), ...queue);
  }
}
