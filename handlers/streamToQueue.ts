import { createHash, randomUUID } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { SqsMessageQueue } from "../adapters/aws/SqsMessageQueue.js";
import { type AttributeMap, canonicalKey } from "../domain/attributeValue.js";
import { changeToCommand } from "../domain/changeToCommand.js";
import { describeError, type InvalidRecord, toThrowable } from "../domain/errors.js";
import { encodeMessageBody } from "../domain/messageBody.js";
import type { OutgoingMessage } from "../domain/outgoingMessage.js";
import { decodeChangeRecord } from "../domain/streamRecord.js";
import type { MessageQueue } from "../ports/messageQueue.js";
import type { RejectedRecord, RejectSink } from "../ports/rejectSink.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { lazyHandler } from "./lambda/lazyHandler.js";
import { rejectionOf } from "./lambda/streamRejects.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", queueName: "replica.fifo", sourceStreamArn }).functionCode
 */
export { streamToQueuePermissions as permissions } from "./lambda/permissions.js";

/** What the stream-to-queue handler needs. */
export interface StreamToQueueDeps {
  readonly queue: MessageQueue;
  readonly rejects: RejectSink;
  /** Operational notes (transient failures); silent by default. */
  readonly log?: (message: string, detail: Readonly<Record<string, unknown>>) => void;
}

const SQS_ID = /^[!-~]{1,128}$/;

/**
 * An id SQS accepts as MessageGroupId / MessageDeduplicationId (1–128 printable ASCII characters):
 * the text itself when it fits, else its SHA-256 in hex.
 * @example sqsSafeId('[["id",{"S":"a"}]]') // '[["id",{"S":"a"}]]'
 */
export const sqsSafeId = (text: string): string =>
  SQS_ID.test(text) ? text : createHash("sha256").update(text, "utf8").digest("hex");

/**
 * The FIFO message group of an item: its canonical key, so one key's changes stay in order.
 * @example messageGroupIdOf({ id: { S: "a" } }) // '[["id",{"S":"a"}]]'
 */
export const messageGroupIdOf = (key: AttributeMap): string => sqsSafeId(canonicalKey(key));

/**
 * DynamoDB stream → SQS, correct under at-least-once delivery. Every INSERT/MODIFY/REMOVE becomes
 * one command (put of the new image / delete of the key, carrying the stream SequenceNumber as
 * `seq`), one command per message. FIFO queues get MessageGroupId = the item's key (so a key's
 * changes are delivered in order) and MessageDeduplicationId = the eventID and an id of the
 * invocation, so the queue drops a message resent within one invocation (after a timeout) but
 * never one resent by a retry. SQS deduplicates for 5 minutes from a message's FIRST send: a
 * retry minutes later would see the earlier messages of a key re-enqueued and the later ones
 * dropped, an old change landing after a newer one; each retry instead enqueues what it resends
 * in order, after everything earlier (duplicates, harmless: the replica ends with the newest). Records that can never succeed (undecodable, too big
 * for a message) go to `deps.rejects` and are skipped. When some messages could not be sent, the
 * response names the SequenceNumber of the FIRST record not sent: Lambda retries from there, and
 * nothing after it is reported done (rejects after it are reported on the retry). A
 * `Configuration` error throws (the whole batch is retried).
 *
 * @example
 * export const handler = createStreamToQueueHandler({ queue, rejects: new LogRejectSink("replica") });
 */
export const createStreamToQueueHandler = (deps: StreamToQueueDeps) =>
  middy(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const rejected: { index: number; reject: RejectedRecord }[] = [];
    const messages: OutgoingMessage[] = [];
    // FIFO deduplication ids are unique to this invocation: see the handler's documentation.
    const invocation = randomUUID();
    /** Message id → the eventID of its record, to name it when the queue refuses the message. */
    const sources = new Map<string, string>();
    const reject = (index: number, error: InvalidRecord) =>
      rejected.push({ index, reject: rejectionOf(error, records[index]) });
    records.forEach((raw, index) => {
      const command = E.chain(changeToCommand)(decodeChangeRecord(raw, index));
      if (E.isLeft(command)) {
        reject(index, command.left);
        return;
      }
      sources.set(String(index), command.right.source);
      messages.push({
        id: String(index),
        body: encodeMessageBody([command.right]),
        ...(deps.queue.fifo
          ? {
              groupId: messageGroupIdOf(command.right.key),
              deduplicationId: sqsSafeId(`${command.right.source}@${invocation}`),
            }
          : {}),
      });
    });
    const sent = await deps.queue.send(messages, deadlineOf(context))();
    if (E.isLeft(sent)) {
      if (sent.left._tag === "Configuration") throw toThrowable(sent.left);
      deps.log?.("send failed; the whole batch will be retried", {
        error: describeError(sent.left),
      });
    }
    let firstNotSent = E.isLeft(sent) ? Number(messages[0]?.id ?? records.length) : records.length;
    for (const { id, error } of E.isRight(sent) ? sent.right.failed : []) {
      if (error._tag === "InvalidRecord")
        reject(Number(id), { ...error, recordId: sources.get(id) ?? error.recordId });
      else firstNotSent = Math.min(firstNotSent, Number(id));
    }
    const done = rejected
      .filter((r) => r.index < firstNotSent)
      .sort((a, b) => a.index - b.index)
      .map((r) => r.reject);
    if (done.length > 0) await deps.rejects.reject(done);
    if (firstNotSent >= records.length) return { batchItemFailures: [] };
    const sequence = records[firstNotSent]?.dynamodb?.SequenceNumber ?? "";
    deps.log?.("some records were not sent; Lambda retries from the first", {
      sequenceNumber: sequence,
      notSent: records.length - firstNotSent,
    });
    return { batchItemFailures: [{ itemIdentifier: sequence }] };
  });

/**
 * The Lambda entry point: `QUEUE_URL` from the environment, SQS client from the default
 * credential/region chain, rejects logged as structured lines.
 * @example // template.yaml: Handler: handlers/streamToQueue.handler, Environment: QUEUE_URL
 */
export const handler = lazyHandler(() => {
  const env = readEnv(process.env, { QUEUE_URL: requiredString });
  if (!env.ok) return env;
  return {
    ok: true,
    value: createStreamToQueueHandler({
      queue: new SqsMessageQueue(new SQSClient(retriedByTheLibrary), env.value.QUEUE_URL),
      rejects: new LogRejectSink("streamToQueue"),
    }),
  };
});
