import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError } from "../../domain/errors.js";
import type { BatchingLimits } from "../../domain/messageBatching.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";
import type { InMemorySqs } from "../localAws/services/InMemorySqs.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import { defaultRetryEnv, type RetryEnv } from "../shared/retry.js";
import { entryError, SQS_INVALID_REQUEST_ERRORS, sendInBatches } from "../shared/sendInBatches.js";
import { mapInMemoryError } from "./mapInMemoryError.js";

/**
 * {@link MessageQueue} on an {@link InMemorySqs} queue, with the same chunking (10 entries,
 * 256 KiB), retries of transiently failed entries and FIFO group blocking as the SQS adapter.
 *
 * @example
 * const queue = new InMemoryMessageQueue(sqs, "replica.fifo", noWaitRetryEnv);
 * const report = await queue.send([{ id: "0", body: "{}", groupId: "k", deduplicationId: "e1" }], deadline)();
 */
export class InMemoryMessageQueue implements MessageQueue {
  readonly fifo: boolean;

  constructor(
    private readonly sqs: InMemorySqs,
    /** The queue's name or URL. */
    private readonly queue: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
    private readonly limits?: BatchingLimits,
  ) {
    this.fifo = queue.endsWith(".fifo");
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
        return E.left(mapInMemoryError(error, `queue ${this.queue}`));
      }
    };

  private readonly sendBatch = async (batch: ReadonlyArray<OutgoingMessage>) => {
    let result: ReturnType<InMemorySqs["sendBatch"]>;
    try {
      result = this.sqs.sendBatch(
        this.queue,
        batch.map((message, index) => ({
          id: String(index),
          body: message.body,
          ...(message.groupId === undefined ? {} : { groupId: message.groupId }),
          ...(message.deduplicationId === undefined
            ? {}
            : { deduplicationId: message.deduplicationId }),
        })),
      );
    } catch (error) {
      if (error instanceof InMemoryServiceError && SQS_INVALID_REQUEST_ERRORS.has(error.name))
        throw invalidRecord("", "$", `${error.name}: ${error.message}`);
      throw mapInMemoryError(error, `queue ${this.queue}`);
    }
    return result.failed.map((entry) => {
      const index = Number(entry.id);
      return { index, error: entryError(batch[index]?.id ?? entry.id, entry) };
    });
  };
}
