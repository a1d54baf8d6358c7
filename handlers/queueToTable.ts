import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { DynamoDbSequenceGuardedTableWriter } from "../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
import { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { describeError, toThrowable } from "../domain/errors.js";
import type { RejectSink } from "../ports/rejectSink.js";
import type { TableWriter } from "../ports/tableWriter.js";
import { replicateMessages } from "../ports/useCases/replicateMessages.js";
import { firstFailure, sqsResponse } from "./lambda/batchResponse.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { optionalString, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { type StandardQueuePolicy, writerFor } from "./lambda/queueOrdering.js";
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
  /** What to do with a batch from a standard queue (handlers/lambda/queueOrdering.ts); `"accept"` by default. */
  readonly standardQueue?: StandardQueuePolicy;
  /** Operational notes (transient failures); silent by default. */
  readonly log?: (message: string, detail: Readonly<Record<string, unknown>>) => void;
}

/**
 * SQS → table, correct under at-least-once delivery: the batch is applied by
 * {@link replicateMessages} (all commands reduced to the last per key, ONE `TableWriter.write`);
 * a message fails when one of its commands failed transiently, and SQS redelivers it. Invalid
 * messages and commands the table rejects as invalid will never succeed: they go to
 * `deps.rejects` AND are acknowledged, so they do not cycle through retries into the dead-letter
 * queue. On FIFO queues, once a message of a group fails, every later message of that group in
 * the batch fails too (handlers/lambda/batchResponse.ts), so a group is never applied out of order.
 *
 * Ordering: use EITHER a FIFO queue (each key's commands are delivered in order) OR a standard
 * queue with a sequence-guarded table writer (`VERSION_TABLE` for {@link handler}; the
 * In-Memory/DynamoDb SequenceGuardedTableWriter adapters): a standard queue reorders and
 * redelivers across batches, and only the guard (a per-key version item written in the same
 * transaction, refused unless `seq` is newer) keeps an older command from overwriting a newer
 * one. Within one batch, `lastPerKey` already lets the highest `seq` win. `deps.standardQueue`
 * says what a batch from a standard queue gets (handlers/lambda/queueOrdering.ts).
 *
 * @example
 * export const handler = createQueueToTableHandler({ table, rejects: new LogRejectSink("replica") });
 */
export const createQueueToTableHandler = (deps: QueueToTableDeps) => {
  const policy = deps.standardQueue ?? "accept";
  return middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const table = writerFor(records, policy, deps.table);
    if (E.isLeft(table)) throw toThrowable(table.left);
    const messages = records.map(decodeSqsRecord);
    const report = await replicateMessages(table.right)(messages, deadlineOf(context))();
    if (E.isLeft(report)) throw toThrowable(report.left);
    const { failed, rejected } = report.right;
    const unreadable = new Set(report.right.unreadable);
    const response = sqsResponse(
      records.map((record, index) =>
        unreadable.has(index)
          ? { messageId: "" }
          : { messageId: record.messageId, groupId: record.attributes?.MessageGroupId },
      ),
      failed.map(({ index }) => index),
    );
    const first = firstFailure(failed);
    if (first !== undefined)
      deps.log?.("some messages were not applied; SQS delivers them again", {
        failed: response.batchItemFailures.length,
        error: describeError(first.error),
      });
    if (rejected.length > 0)
      await deps.rejects.reject(
        rejected.map(({ index, error, detail }) => {
          const record = records[index];
          const message = messages[index];
          const readable = record !== undefined && message !== undefined && E.isRight(message);
          return {
            error,
            identity: readable ? { ...sqsRecordIdentity(record), ...detail } : { index },
          };
        }),
      );
    return response;
  }).use(pipelineFailures("queueToTable"));
};

/**
 * The Lambda entry point: `TABLE_NAME` (and, for a standard queue, `VERSION_TABLE`: key `pk` S;
 * its items never expire) from the environment, DynamoDB client from the default credential/region
 * chain, rejects logged as structured lines. With `VERSION_TABLE` set, commands carrying `seq`
 * are written by {@link DynamoDbSequenceGuardedTableWriter}; without it, by BatchWriteItem, and a
 * batch from a standard queue fails the invocation with an error naming FIFO and `VERSION_TABLE`.
 * On a standard queue with `VERSION_TABLE`, commands without `seq` are rejected (nothing orders
 * them); on a FIFO queue they are written in delivery order.
 * @example // template.yaml: Handler: handlers/queueToTable.handler, Environment: TABLE_NAME, VERSION_TABLE
 */
export const handler = entryPoint("queueToTable", (env) =>
  pipe(
    readEnv(env, { TABLE_NAME: requiredString, VERSION_TABLE: optionalString }),
    E.map(({ TABLE_NAME: table, VERSION_TABLE: versionTable }) => {
      const client = new DynamoDBClient(retriedByTheLibrary);
      return createQueueToTableHandler({
        table:
          versionTable === undefined
            ? new DynamoDbTableWriter(client, table)
            : new DynamoDbSequenceGuardedTableWriter(client, { table, versionTable }),
        rejects: new LogRejectSink("queueToTable"),
        standardQueue: versionTable === undefined ? "refuse" : "requireSeq",
      });
    }),
  ),
);
