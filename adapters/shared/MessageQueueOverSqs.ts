import type { SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { BatchingLimits } from "../../domain/messageBatching.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv, type RetryEnv } from "./retry.js";
import { entryError, type SendBatch, sendInBatches } from "./sendInBatches.js";
import type { SqsCalls } from "./sqsCalls.js";

const toEntry = (message: OutgoingMessage, index: number): SendMessageBatchRequestEntry => ({
  Id: String(index),
  MessageBody: message.body,
  ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
  ...(message.deduplicationId === undefined
    ? {}
    : { MessageDeduplicationId: message.deduplicationId }),
  ...(message.attributes === undefined || Object.keys(message.attributes).length === 0
    ? {}
    : {
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, attribute]) => [
            name,
            {
              DataType: attribute.dataType,
              ...(attribute.stringValue === undefined
                ? {}
                : { StringValue: attribute.stringValue }),
              ...(attribute.binaryValue === undefined
                ? {}
                : { BinaryValue: Buffer.from(attribute.binaryValue, "base64") }),
            },
          ]),
        ),
      }),
});

/**
 * {@link MessageQueue} over {@link SqsCalls}, whichever SQS they reach: SendMessageBatch in
 * chunks of ≤ 10 entries within the size limit, entry ids by position (message ids may hold any
 * character), `Failed` entries with `SenderFault` → `InvalidRecord`, others → `Transient` and
 * retried until the deadline. On FIFO queues (URL or name ending in `.fifo`) a group whose
 * message finally failed gets none of its later messages sent. Throttling → `Transient`; missing
 * queue or denied access → `Configuration`.
 *
 * @example
 * const queue = new MessageQueueOverSqs(calls, "https://sqs.us-east-1.amazonaws.com/000000000000/replica.fifo");
 */
export class MessageQueueOverSqs implements MessageQueue {
  readonly fifo: boolean;

  constructor(
    private readonly calls: SqsCalls,
    /** The queue's URL (the in-memory SQS also takes its name). */
    private readonly queueUrl: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
    private readonly limits?: BatchingLimits,
  ) {
    this.fifo = queueUrl.endsWith(".fifo");
  }

  readonly send = (
    messages: ReadonlyArray<OutgoingMessage>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, SendReport> =>
    sendInBatches(messages, this.sendBatch, {
      fifo: this.fifo,
      deadline,
      retry: this.retry,
      ...(this.limits === undefined ? {} : { limits: this.limits }),
    });

  private readonly sendBatch: SendBatch = (batch) =>
    pipe(
      this.calls.sendMessageBatch({ QueueUrl: this.queueUrl, Entries: batch.map(toEntry) }),
      TE.bimap(
        (failure) => mapServiceError(failure, `queue ${this.queueUrl}`),
        (output) =>
          (output.Failed ?? []).flatMap((entry) => {
            const index = Number(entry.Id);
            const message = Number.isInteger(index) ? batch[index] : undefined;
            if (message === undefined) return [];
            return {
              index,
              error: entryError(message.id, {
                code: entry.Code ?? "Unknown",
                message: entry.Message ?? "",
                senderFault: entry.SenderFault === true,
              }),
            };
          }),
      ),
    );
}
