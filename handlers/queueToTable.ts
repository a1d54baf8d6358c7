import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { DynamoDbSequenceGuardedTableWriter } from "../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
import { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
import { describeError, toThrowable } from "../domain/errors.js";
import type { RejectSink } from "../ports/rejectSink.js";
import type { TableWriter } from "../ports/tableWriter.js";
import { type ReplayPolicy, replicateMessages } from "../ports/useCases/replicateMessages.js";
import {
  type BatchMetrics,
  eventSize,
  rejectedEvent,
  retriedOnError,
  sqsCounts,
} from "./lambda/batchMetrics.js";
import { firstFailure, sqsResponse } from "./lambda/batchResponse.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { optionalString, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { type StandardQueuePolicy, writerFor } from "./lambda/queueOrdering.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import { decodeSqsRecord, sqsRecordIdentity } from "./lambda/sqsRecord.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", tableName: "replica", queueName: "replica.fifo" }).functionCode
 */
export { queueToTablePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the queue-to-table handler needs.
 * @example const deps: QueueToTableDeps = { table: new DynamoDbTableWriter(client, "replica"), rejects };
 */
export interface QueueToTableDeps {
  readonly table: TableWriter;
  readonly rejects: RejectSink;
  /**
   * What becomes of a message that cannot be read at all: `reject` (default: to `rejects`, and
   * acknowledged) or `fail` (a batch item failure: the queue's redrive policy moves it to its
   * dead-letter queue; what {@link handler} does without REJECT_DESTINATION).
   */
  readonly unreadable?: "reject" | "fail";
  /** What to do with a batch from a standard queue (handlers/lambda/queueOrdering.ts); `"accept"` by default. */
  readonly standardQueue?: StandardQueuePolicy;
  /**
   * What to do with a message a redrive replayed whose commands carry a sequence number
   * (ports/useCases/replicateMessages.ts): `"apply"` (default: `table` orders commands by
   * version) or `"refuse"` (a plain writer: it is rejected, or fails for the DLQ under
   * `unreadable: "fail"`).
   */
  readonly replays?: ReplayPolicy;
  /** Operational notes (transient failures); silent by default. */
  readonly log?: (message: string, detail: Readonly<Record<string, unknown>>) => void;
  /** Where each invocation's counts go (handlers/lambda/batchMetrics.ts); none by default. */
  readonly metrics?: BatchMetrics;
}

/**
 * SQS → table, correct under at-least-once delivery: the batch is applied by
 * {@link replicateMessages} (all commands reduced to the last per key, ONE `TableWriter.write`);
 * a message fails when one of its commands failed transiently, and SQS redelivers it. Invalid
 * messages, commands that cannot be decoded and commands the table rejects as invalid will never
 * succeed: they go to `deps.rejects` AND are acknowledged (a bad command alone: the other commands
 * of its message are applied), so they do not cycle through retries into the dead-letter queue —
 * unless `deps.unreadable` is `fail`: then unreadable messages fail, for the queue's DLQ. When the
 * sink cannot store the rejects, their messages fail instead (delivered again, never lost). On FIFO queues, once a message of a group fails, every later message of that group in
 * the batch fails too (handlers/lambda/batchResponse.ts), so a group is never applied out of order.
 *
 * Ordering: use a sequence-guarded table writer (`VERSION_TABLE` for {@link handler}; the
 * In-Memory/DynamoDb SequenceGuardedTableWriter adapters) on any queue: a per-key version item
 * written in the same transaction, refused unless the command is newer, keeps an older command
 * from overwriting a newer one, whether a standard queue reordered it or a dead-letter redrive
 * replayed it after newer ones (on a FIFO queue too: a message moved to the DLQ no longer holds
 * back its group). A FIFO queue alone orders each key's commands only until one is
 * dead-lettered. Within one batch, `lastPerKey` already lets the newest win. `deps.standardQueue`
 * says what a batch from a standard queue gets (handlers/lambda/queueOrdering.ts), `deps.replays`
 * what a replayed message gets.
 *
 * @example
 * export const handler = createQueueToTableHandler({ table, rejects: new LogRejectSink("replica") });
 */
export const createQueueToTableHandler = (deps: QueueToTableDeps) => {
  const policy = deps.standardQueue ?? "accept";
  const replicate = (table: TableWriter) => replicateMessages(table, deps.replays ?? "apply");
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const table = writerFor(records, policy, deps.table);
    if (E.isLeft(table)) throw toThrowable(table.left);
    const messages = records.map(decodeSqsRecord);
    const report = await replicate(table.right)(messages, deadlineOf(context))();
    if (E.isLeft(report)) throw toThrowable(report.left);
    const failedIndexes = new Set(report.right.failed.map(({ index }) => index));
    const hasId = (index: number) => typeof records[index]?.messageId === "string";
    // In `fail` mode (no destination), an unreadable message fails: the queue's redrive policy
    // moves it to the dead-letter queue after maxReceiveCount receives.
    const toDlq = new Set(deps.unreadable === "fail" ? report.right.unreadable.filter(hasId) : []);
    for (const index of toDlq) failedIndexes.add(index);
    // Every reject is reported (logged, without a destination), those failed for the DLQ too.
    const { rejected } = report.right;
    if (rejected.length > 0) {
      const stored = await deps.rejects.reject(
        rejected.map(({ index, error, detail }) => {
          const record = records[index];
          const message = messages[index];
          const readable = record !== undefined && message !== undefined && E.isRight(message);
          return {
            error,
            identity: readable ? { ...sqsRecordIdentity(record), ...detail } : { index },
            original: record,
          };
        }),
      )();
      // Not stored: the messages fail (delivered again), their rejects are not lost.
      if (E.isLeft(stored)) {
        for (const { index } of rejected) if (hasId(index)) failedIndexes.add(index);
        deps.log?.("rejects were not stored; SQS delivers their messages again", {
          error: describeError(stored.left),
        });
      }
    }
    const readableOrFailing = (index: number) =>
      !report.right.unreadable.includes(index) || failedIndexes.has(index);
    const response = sqsResponse(
      records.map((record, index) =>
        readableOrFailing(index)
          ? { messageId: record.messageId, groupId: record.attributes?.MessageGroupId }
          : { messageId: "" },
      ),
      failedIndexes,
    );
    deps.metrics?.(
      sqsCounts(
        records.map((record) => record.messageId),
        response,
        rejected.map(({ index }) => index),
        report.right.skipped ?? [],
        rejectedEvent(event),
      ),
    );
    const first = firstFailure(report.right.failed);
    if (first !== undefined)
      deps.log?.("some messages were not applied; SQS delivers them again", {
        failed: response.batchItemFailures.length,
        error: describeError(first.error),
      });
    return response;
  })
    .use(retriedOnError(deps.metrics, eventSize))
    .use(pipelineFailures("queueToTable"));
};

/**
 * The Lambda entry point: `TABLE_NAME` and `VERSION_TABLE` (key `pk` S; its items never expire;
 * what the constructs and the SAM template deploy, FIFO queue or not) from the environment,
 * DynamoDB client from the default credential/region chain. Rejects go to `REJECT_DESTINATION`
 * (docs/rejects.md); without it, rejected commands are logged and unreadable messages fail, so
 * the queue's redrive policy moves them to its DLQ. With `VERSION_TABLE` set, commands carrying
 * `seq` are written by {@link DynamoDbSequenceGuardedTableWriter}; without it, by BatchWriteItem:
 * a batch from a standard queue fails the invocation with an error naming FIFO and
 * `VERSION_TABLE`, and a message a redrive replayed whose commands carry `seq` is refused (nothing
 * would keep it from overwriting newer changes). On a standard queue with `VERSION_TABLE`,
 * commands without `seq` are rejected (nothing orders them); on a FIFO queue they are written in
 * delivery order.
 * @example // template.yaml: Handler: handlers/queueToTable.handler, Environment: TABLE_NAME, VERSION_TABLE
 */
export const handler = entryPoint("queueToTable", (env, metrics) =>
  pipe(
    readEnv(env, {
      TABLE_NAME: requiredString,
      VERSION_TABLE: optionalString,
      REJECT_DESTINATION: rejectDestinationVar,
    }),
    E.map(({ TABLE_NAME: table, VERSION_TABLE: versionTable, REJECT_DESTINATION }) => {
      const client = new DynamoDBClient(retriedByTheLibrary);
      return createQueueToTableHandler({
        table:
          versionTable === undefined
            ? new DynamoDbTableWriter(client, table)
            : new DynamoDbSequenceGuardedTableWriter(client, { table, versionTable }),
        rejects: rejectSinkFor("queueToTable", REJECT_DESTINATION, env),
        unreadable: REJECT_DESTINATION === undefined ? "fail" : "reject",
        standardQueue: versionTable === undefined ? "refuse" : "requireSeq",
        replays: versionTable === undefined ? "refuse" : "apply",
        metrics,
      });
    }),
  ),
);
