/**
 * Lambda's partial batch responses, derived in one place for every entry point
 * (`FunctionResponseTypes: ["ReportBatchItemFailures"]`):
 *
 * - streams (DynamoDB, Kinesis) resume at a checkpoint: the first record not done. Everything
 *   before it is acknowledged, so rejects before it are reported now; rejects at or after it are
 *   delivered again and reported then, never twice.
 * - SQS acknowledges message by message; on FIFO queues a failed message blocks the rest of its
 *   group in the batch, so a group is never applied out of order.
 */
import type { SQSBatchResponse } from "aws-lambda";

/**
 * The response shape DynamoDB and Kinesis stream event sources read.
 * @example const done: StreamBatchResponse = { batchItemFailures: [] };
 */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The failure Lambda must resume at: the one with the lowest position (the first listed among
 * equals), or `undefined` when nothing failed.
 * @example firstFailure([{ index: 4, error: a }, { index: 1, error: b }]) // { index: 1, error: b }
 */
export const firstFailure = <F extends { readonly index: number }>(
  failed: ReadonlyArray<F>,
): F | undefined =>
  failed.reduce<F | undefined>(
    (first, failure) => (first === undefined || failure.index < first.index ? failure : first),
    undefined,
  );

/**
 * A stream batch's response from its checkpoint (the position of the first record not done, or
 * `undefined`): the rejects to report now (those before the checkpoint, in the order given) and
 * the batch item failure naming the record at the checkpoint by its sequence number (`""` when it
 * has none, which makes Lambda retry the whole batch). A checkpoint past the last record is none.
 *
 * @example
 * const { rejectsNow, response } = streamResponse(3, (i) => seqs[i], 1, rejects);
 * // response: { batchItemFailures: [{ itemIdentifier: seqs[1] }] }; rejectsNow: rejects before 1
 */
export const streamResponse = <R extends { readonly index: number }>(
  count: number,
  sequenceNumberAt: (index: number) => string | undefined,
  checkpoint: number | undefined,
  rejects: ReadonlyArray<R>,
): { readonly rejectsNow: R[]; readonly response: StreamBatchResponse } => {
  if (checkpoint === undefined || checkpoint >= count)
    return { rejectsNow: [...rejects], response: { batchItemFailures: [] } };
  return {
    rejectsNow: rejects.filter((reject) => reject.index < checkpoint),
    response: { batchItemFailures: [{ itemIdentifier: sequenceNumberAt(checkpoint) ?? "" }] },
  };
};

/**
 * The messages of an SQS batch that must be delivered again: the failed ones and, on FIFO
 * queues, every message of a group after a failed message of that group (in delivery order).
 * Messages without a group (standard queues, unreadable messages) fail only on their own.
 *
 * @example
 * blockedByGroup(["a", "a", "b", "a"], new Set([1])) // Set { 1, 3 }
 */
export const blockedByGroup = (
  groups: ReadonlyArray<string | undefined>,
  failed: ReadonlySet<number>,
): Set<number> => {
  const blocked = new Set<string>();
  const fails = new Set<number>();
  groups.forEach((group, index) => {
    const fail = failed.has(index) || (group !== undefined && blocked.has(group));
    if (!fail) return;
    fails.add(index);
    if (group !== undefined) blocked.add(group);
  });
  return fails;
};

/**
 * One message of an SQS batch, as the response needs it.
 * @example const message: SqsMessageRef = { messageId: "m-1", groupId: "orders" };
 */
export interface SqsMessageRef {
  readonly messageId: string;
  /** MessageGroupId on FIFO queues; `undefined` for a message that must not block its group. */
  readonly groupId?: string | undefined;
}

/**
 * An SQS batch's response: the message ids of the failed messages and of the FIFO messages
 * they block ({@link blockedByGroup}), in delivery order.
 * @example
 * sqsResponse([{ messageId: "m0", groupId: "g" }, { messageId: "m1", groupId: "g" }], [0])
 * // { batchItemFailures: [{ itemIdentifier: "m0" }, { itemIdentifier: "m1" }] }
 */
export const sqsResponse = (
  messages: ReadonlyArray<SqsMessageRef>,
  failed: Iterable<number>,
): SQSBatchResponse => {
  const fails = blockedByGroup(
    messages.map((message) => message.groupId),
    new Set(failed),
  );
  return {
    batchItemFailures: messages.flatMap((message, index) =>
      fails.has(index) ? [{ itemIdentifier: message.messageId }] : [],
    ),
  };
};
