import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { QueueDirectory } from "../../ports/messageSource.js";
import { MessageSourceOverSqs, queueUrlOfArn } from "../shared/MessageSourceOverSqs.js";
import { callService } from "../shared/serviceFailure.js";
import type { SqsSourceCalls } from "../shared/sqsSourceCalls.js";

/**
 * {@link SqsSourceCalls} on SQS: `client.send` of each command, the SDK's exception returned as
 * the failure.
 * @example const source = new MessageSourceOverSqs(awsSqsSourceCalls(new SQSClient({})), url);
 */
export const awsSqsSourceCalls = (client: SQSClient): SqsSourceCalls => ({
  receiveMessage: (input) => callService(() => client.send(new ReceiveMessageCommand(input))),
  deleteMessageBatch: (input) =>
    callService(() => client.send(new DeleteMessageBatchCommand(input))),
  changeMessageVisibilityBatch: (input) =>
    callService(() => client.send(new ChangeMessageVisibilityBatchCommand(input))),
  getQueueUrl: (input) => callService(() => client.send(new GetQueueUrlCommand(input))),
});

/**
 * {@link MessageSourceOverSqs} on an SQS queue (a dead-letter queue, an SQS reject destination).
 * @example const source = new SqsMessageSource(new SQSClient({}), "https://sqs.us-east-1.amazonaws.com/123456789012/rows-dlq");
 */
export class SqsMessageSource extends MessageSourceOverSqs {
  constructor(client: SQSClient, queueUrl: string) {
    super(awsSqsSourceCalls(client), queueUrl);
  }
}

/**
 * {@link QueueDirectory} on SQS (GetQueueUrl).
 * @example const url = await sqsQueueDirectory(new SQSClient({})).urlOf("arn:aws:sqs:us-east-1:123456789012:rows.fifo")();
 */
export const sqsQueueDirectory = (client: SQSClient): QueueDirectory => ({
  urlOf: queueUrlOfArn(awsSqsSourceCalls(client)),
});
