import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError } from "../../domain/errors.js";
import type { BatchingLimits } from "../../domain/messageBatching.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";
import { defaultRetryEnv, type RetryEnv } from "../shared/retry.js";
import { entryError, SQS_INVALID_REQUEST_ERRORS, sendInBatches } from "../shared/sendInBatches.js";
import { mapAwsError } from "./mapAwsError.js";

const errorName = (error: unknown): string =>
  typeof error === "object" && error !== null && typeof (error as Error).name === "string"
    ? (error as Error).name
    : "";

/**
 * {@link MessageQueue} on an SQS queue with SendMessageBatch: chunks of ≤ 10 entries within the
 * size limit, entry ids by position (message ids may hold any character), `Failed` entries with
 * `SenderFault` → `InvalidRecord`, others → `Transient` and retried until the deadline. On FIFO
 * queues (URL ending in `.fifo`) a group whose message finally failed gets none of its later
 * messages sent. Throttling → `Transient`; missing queue or denied access → `Configuration`.
 *
 * @example
 * const queue = new SqsMessageQueue(new SQSClient({}), process.env.QUEUE_URL);
 */
export class SqsMessageQueue implements MessageQueue {
  readonly fifo: boolean;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
    private readonly limits?: BatchingLimits,
  ) {
    this.fifo = queueUrl.endsWith(".fifo");
  }

  readonly send =
    (
      messages: ReadonlyArray<OutgoingMessage>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, SendReport> =>
    async () => {
      try {
        const result = await sendInBatches(messages, this.sendBatch, {
          fifo: this.fifo,
          deadline,
          retry: this.retry,
          ...(this.limits === undefined ? {} : { limits: this.limits }),
        });
        return "failed" in result ? E.right(result) : E.left(result);
      } catch (error) {
        return E.left(mapAwsError(error, `queue ${this.queueUrl}`));
      }
    };

  private readonly sendBatch = async (batch: ReadonlyArray<OutgoingMessage>) => {
    let output: SendMessageBatchCommandOutput;
    try {
      output = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            MessageBody: message.body,
            ...(message.groupId === undefined ? {} : { MessageGroupId: message.groupId }),
            ...(message.deduplicationId === undefined
              ? {}
              : { MessageDeduplicationId: message.deduplicationId }),
          })),
        }),
      );
    } catch (error) {
      if (SQS_INVALID_REQUEST_ERRORS.has(errorName(error)))
        throw invalidRecord("", "$", `${errorName(error)}: ${(error as Error).message}`);
      throw mapAwsError(error, `queue ${this.queueUrl}`);
    }
    return (output.Failed ?? []).flatMap((entry) => {
      const index = Number(entry.Id);
      if (!Number.isInteger(index) || batch[index] === undefined) return [];
      return {
        index,
        error: entryError(batch[index]?.id ?? String(entry.Id), {
          code: entry.Code ?? "Unknown",
          message: entry.Message ?? "",
          senderFault: entry.SenderFault === true,
        }),
      };
    });
  };
}
