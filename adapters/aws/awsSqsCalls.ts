import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { callService } from "../shared/serviceFailure.js";
import type { SqsCalls } from "../shared/sqsCalls.js";

/**
 * {@link SqsCalls} on SQS: `client.send` of the command, the SDK's exception returned as the
 * failure.
 *
 * @example
 * const queue = new MessageQueueOverSqs(awsSqsCalls(new SQSClient({})), process.env.QUEUE_URL ?? "");
 */
export const awsSqsCalls = (client: SQSClient): SqsCalls => ({
  sendMessageBatch: (input) => callService(() => client.send(new SendMessageBatchCommand(input))),
});
