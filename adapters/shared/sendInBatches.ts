import type { Deadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import {
  type BatchingLimits,
  defaultBatchingLimits,
  splitIntoBatches,
} from "../../domain/messageBatching.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { SendReport } from "../../ports/messageQueue.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "./retry.js";

/**
 * Sends one SendMessageBatch (≤ 10 entries, within the size limit). Resolves with the entries that
 * failed, by position in `batch`; rejects with a {@link PipelineError} when the whole call failed.
 */
export type SendBatch = (
  batch: ReadonlyArray<OutgoingMessage>,
) => Promise<ReadonlyArray<{ readonly index: number; readonly error: PipelineError }>>;

/** How {@link sendInBatches} sends. */
export interface SendOptions {
  /** FIFO queue: a group whose message could not be sent gets none of its later messages sent. */
  readonly fifo: boolean;
  readonly deadline: Deadline;
  readonly limits?: BatchingLimits;
  readonly retry?: RetryEnv;
}

type Failure = { readonly id: string; readonly error: PipelineError };

const isPipelineError = (value: unknown): value is PipelineError =>
  typeof value === "object" &&
  value !== null &&
  ["InvalidRecord", "Transient", "Configuration"].includes((value as { _tag?: string })._tag ?? "");

/**
 * The send loop shared by the SQS adapters: chunks with domain/messageBatching.ts, sends chunk
 * after chunk, retries the entries that failed transiently with {@link withRetries} until the
 * deadline, and reports what is left. A message too big to ever be sent, or refused as the
 * sender's fault, is an `InvalidRecord`. A whole call refused as invalid is resent entry by entry
 * to find the culprit. On FIFO queues a group whose message finally failed gets none of its later
 * messages sent (they fail with the same error), so the queue never holds a group out of order.
 * A `Configuration` error (missing queue, denied access) stops everything and is returned.
 *
 * @example
 * const result = await sendInBatches(messages, (batch) => sendOne(batch), { fifo: false, deadline });
 */
export const sendInBatches = async (
  messages: ReadonlyArray<OutgoingMessage>,
  send: SendBatch,
  options: SendOptions,
): Promise<SendReport | PipelineError> => {
  const { batches, oversize } = splitIntoBatches(messages, options.limits ?? defaultBatchingLimits);
  const failed: Failure[] = [...oversize];
  const blocked = new Map<string, PipelineError>();
  try {
    for (const batch of batches) {
      const ready: OutgoingMessage[] = [];
      for (const message of batch) {
        const blocker = message.groupId === undefined ? undefined : blocked.get(message.groupId);
        if (options.fifo && blocker !== undefined) failed.push({ id: message.id, error: blocker });
        else ready.push(message);
      }
      if (ready.length === 0) continue;
      for (const failure of await sendWithRetries(ready, send, options)) {
        failed.push({ id: failure.message.id, error: failure.error });
        if (failure.error._tag !== "InvalidRecord" && failure.message.groupId !== undefined)
          blocked.set(failure.message.groupId, failure.error);
      }
    }
  } catch (error) {
    if (isPipelineError(error)) return error;
    throw error;
  }
  const order = new Map(messages.map((message, index) => [message.id, index]));
  failed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { failed };
};

interface MessageFailure {
  readonly message: OutgoingMessage;
  readonly error: PipelineError;
}

const sendWithRetries = async (
  batch: ReadonlyArray<OutgoingMessage>,
  send: SendBatch,
  options: SendOptions,
): Promise<ReadonlyArray<MessageFailure>> => {
  let pending: ReadonlyArray<OutgoingMessage> = batch;
  const final: MessageFailure[] = [];
  let retryable: MessageFailure[] = [];
  let isolate = false;
  await withRetries(
    async () => {
      retryable = [];
      try {
        for (const { index, error } of await send(pending)) {
          const message = pending[index] as OutgoingMessage;
          (error._tag === "Transient" ? retryable : final).push({ message, error });
        }
      } catch (error) {
        if (!isPipelineError(error)) throw error;
        if (error._tag === "Configuration") throw error;
        if (error._tag === "InvalidRecord") {
          isolate = pending.length > 1;
          const only = pending[0] as OutgoingMessage;
          if (!isolate) final.push({ message: only, error: { ...error, recordId: only.id } });
          return [];
        }
        retryable = pending.map((message) => ({ message, error }));
      }
      pending = retryable.map((failure) => failure.message);
      return retryable;
    },
    (left) => left.length === 0,
    options.deadline,
    options.retry ?? defaultRetryEnv,
  );
  if (isolate) {
    const oneByOne: MessageFailure[] = [];
    for (const message of pending)
      oneByOne.push(...(await sendWithRetries([message], send, options)));
    return [...final, ...oneByOne];
  }
  return [...final, ...retryable];
};

/** SQS exception names meaning "this request is malformed": resend entry by entry to find why. */
export const SQS_INVALID_REQUEST_ERRORS: ReadonlySet<string> = new Set([
  "EmptyBatchRequest",
  "TooManyEntriesInBatchRequest",
  "BatchEntryIdsNotDistinct",
  "InvalidBatchEntryId",
  "BatchRequestTooLong",
  "InvalidMessageContents",
  "InvalidParameterValue",
  "MissingParameter",
  "AWS.SimpleQueueService.EmptyBatchRequest",
  "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
  "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
  "AWS.SimpleQueueService.InvalidBatchEntryId",
  "AWS.SimpleQueueService.BatchRequestTooLong",
]);

/**
 * The domain error of one failed SendMessageBatch entry: the sender's fault (bad message) is an
 * `InvalidRecord` naming the message, anything else is `Transient`.
 * @example entryError("m-3", { code: "InvalidMessageContents", message: "…", senderFault: true })
 */
export const entryError = (
  messageId: string,
  entry: { readonly code: string; readonly message: string; readonly senderFault: boolean },
): PipelineError =>
  entry.senderFault
    ? invalidRecord(messageId, "$", `${entry.code}: ${entry.message}`)
    : transient("SendMessageBatch", `${entry.code}: ${entry.message}`);
