import { createHash, randomUUID } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { changeToCommand } from "../../domain/changeToCommand.js";
import type { Deadline } from "../../domain/deadline.js";
import type { ConfigurationError } from "../../domain/errors.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import type { MessageQueue } from "../messageQueue.js";
import {
  type BatchReport,
  type DecodedBatch,
  type IndexedFailure,
  type IndexedReject,
  inRecordOrder,
} from "./batchReport.js";

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
 * Forwards a batch of stream changes to a queue: every change becomes one command (put of the
 * new image / delete of the key, carrying the stream sequence number as `seq`) in one message
 * whose id is the record's position. On a FIFO queue a message's group is the item's key (a
 * key's changes stay in order) and its deduplication id is the eventID and an id of this call,
 * so the queue drops a message resent within the call but never one resent by a later retry
 * (SQS deduplicates for 5 minutes from the FIRST send: a retry would see a key's earlier
 * messages re-enqueued and its later ones dropped).
 *
 * The report: changes that can never be sent (not a change, too big for a message) are rejected,
 * in record order; messages the queue did not take are failed (all of them when the whole send
 * failed). A `Configuration` error is the left: nothing can be sent until the deployment is fixed.
 *
 * @example
 * const report = await forwardChanges(queue)(records.map(decodeChangeRecord), deadline)();
 */
export const forwardChanges =
  (queue: MessageQueue) =>
  (
    changes: DecodedBatch<ChangeRecord>,
    deadline: Deadline,
  ): TaskEither<ConfigurationError, BatchReport> =>
  async () => {
    const rejected: IndexedReject[] = [];
    const messages: OutgoingMessage[] = [];
    const invocation = randomUUID();
    /** Message id → the eventID of its record, to name it when the queue refuses the message. */
    const sources = new Map<string, string>();
    changes.forEach((change, index) => {
      const command = E.chain(changeToCommand)(change);
      if (E.isLeft(command)) {
        rejected.push({ index, error: command.left });
        return;
      }
      sources.set(String(index), command.right.source);
      messages.push({
        id: String(index),
        body: encodeMessageBody([command.right]),
        ...(queue.fifo
          ? {
              groupId: messageGroupIdOf(command.right.key),
              deduplicationId: sqsSafeId(`${command.right.source}@${invocation}`),
            }
          : {}),
      });
    });
    const sent = await queue.send(messages, deadline)();
    if (E.isLeft(sent)) {
      if (sent.left._tag === "Configuration") return E.left(sent.left);
      const error = sent.left;
      return E.right({
        failed: messages.map((message) => ({ index: Number(message.id), error })),
        rejected: inRecordOrder(rejected),
      });
    }
    const failed: IndexedFailure[] = [];
    for (const { id, error } of sent.right.failed) {
      if (error._tag === "InvalidRecord")
        rejected.push({
          index: Number(id),
          error: { ...error, recordId: sources.get(id) ?? error.recordId },
        });
      else failed.push({ index: Number(id), error });
    }
    return E.right({ failed, rejected: inRecordOrder(rejected) });
  };
