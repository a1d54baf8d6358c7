import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
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
 * Sends one SendMessageBatch (≤ 10 entries, within the size limit): the entries that failed, by
 * position in `batch`, or the whole call's error (mapped).
 */
export type SendBatch = (
  batch: ReadonlyArray<OutgoingMessage>,
) => TE.TaskEither<
  PipelineError,
  ReadonlyArray<{ readonly index: number; readonly error: PipelineError }>
>;

/** How {@link sendInBatches} sends. */
export interface SendOptions {
  /** FIFO queue: a group whose message could not be sent gets none of its later messages sent. */
  readonly fifo: boolean;
  readonly deadline: Deadline;
  readonly limits?: BatchingLimits;
  readonly retry?: RetryEnv;
}

type Failure = { readonly id: string; readonly error: PipelineError };

interface MessageFailure {
  readonly message: OutgoingMessage;
  readonly error: PipelineError;
}

/**
 * The send loop of the message queue: chunks with domain/messageBatching.ts, sends chunk after
 * chunk, retries the entries that failed transiently with {@link withRetries} until the
 * deadline, and reports what is left. A message too big to ever be sent, or refused as the
 * sender's fault, is an `InvalidRecord`. A whole call refused as invalid is resent entry by entry
 * to find the culprit. On FIFO queues a group whose message finally failed gets none of its later
 * messages sent (they fail with the same error), so the queue never holds a group out of order.
 * A `Configuration` error (missing queue, denied access) stops everything and is returned.
 *
 * @example
 * const report = await sendInBatches(messages, (batch) => sendOne(batch), { fifo: false, deadline })();
 */
export const sendInBatches =
  (
    messages: ReadonlyArray<OutgoingMessage>,
    send: SendBatch,
    options: SendOptions,
  ): TE.TaskEither<PipelineError, SendReport> =>
  async () => {
    const { batches, oversize } = splitIntoBatches(
      messages,
      options.limits ?? defaultBatchingLimits,
    );
    const failed: Failure[] = [...oversize];
    const blocked = new Map<string, PipelineError>();
    for (const batch of batches) {
      const ready: OutgoingMessage[] = [];
      for (const message of batch) {
        const blocker = message.groupId === undefined ? undefined : blocked.get(message.groupId);
        if (options.fifo && blocker !== undefined) failed.push({ id: message.id, error: blocker });
        else ready.push(message);
      }
      if (ready.length === 0) continue;
      const sent = await sendWithRetries(ready, send, options);
      if (E.isLeft(sent)) return sent;
      for (const failure of sent.right) {
        failed.push({ id: failure.message.id, error: failure.error });
        if (failure.error._tag !== "InvalidRecord" && failure.message.groupId !== undefined)
          blocked.set(failure.message.groupId, failure.error);
      }
    }
    const order = new Map(messages.map((message, index) => [message.id, index]));
    failed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    return E.right({ failed });
  };

/** What one attempt left: entries to retry, or the call's `Configuration` error. */
type Attempt = E.Either<PipelineError, ReadonlyArray<MessageFailure>>;

const sendWithRetries = async (
  batch: ReadonlyArray<OutgoingMessage>,
  send: SendBatch,
  options: SendOptions,
): Promise<E.Either<PipelineError, ReadonlyArray<MessageFailure>>> => {
  let pending: ReadonlyArray<OutgoingMessage> = batch;
  const final: MessageFailure[] = [];
  let isolate = false;
  const last = await withRetries(
    async (): Promise<Attempt> => {
      const result = await send(pending)();
      let retryable: MessageFailure[] = [];
      if (E.isRight(result)) {
        for (const { index, error } of result.right) {
          const message = pending[index] as OutgoingMessage;
          (error._tag === "Transient" ? retryable : final).push({ message, error });
        }
      } else {
        const error = result.left;
        if (error._tag === "Configuration") return E.left(error);
        if (error._tag === "InvalidRecord") {
          isolate = pending.length > 1;
          const only = pending[0] as OutgoingMessage;
          if (!isolate) final.push({ message: only, error: { ...error, recordId: only.id } });
          return E.right([]);
        }
        retryable = pending.map((message) => ({ message, error }));
      }
      pending = retryable.map((failure) => failure.message);
      return E.right(retryable);
    },
    (attempt) => E.isLeft(attempt) || attempt.right.length === 0,
    options.deadline,
    options.retry ?? defaultRetryEnv,
  );
  if (E.isLeft(last)) return last;
  if (!isolate) return E.right([...final, ...last.right]);
  const oneByOne: MessageFailure[] = [...final];
  for (const message of pending) {
    const alone = await sendWithRetries([message], send, options);
    if (E.isLeft(alone)) return alone;
    oneByOne.push(...alone.right);
  }
  return E.right(oneByOne);
};

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
