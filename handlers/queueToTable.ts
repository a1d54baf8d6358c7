import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { DynamoDbSequenceGuardedTableWriter } from "../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
import { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { describeError, type InvalidRecord, invalidRecord, toThrowable } from "../domain/errors.js";
import { decodeMessageBody } from "../domain/messageBody.js";
import { lastPerKey, type WriteCommand } from "../domain/writeCommand.js";
import type { RejectedRecord, RejectSink } from "../ports/rejectSink.js";
import type { TableWriter } from "../ports/tableWriter.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { type EnvVar, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { lazyHandler } from "./lambda/lazyHandler.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", tableName: "replica", queueName: "replica.fifo" }).functionCode
 */
export { queueToTablePermissions as permissions } from "./lambda/permissions.js";

/** What the queue-to-table handler needs. */
export interface QueueToTableDeps {
  readonly table: TableWriter;
  readonly rejects: RejectSink;
  /** Operational notes (transient failures); silent by default. */
  readonly log?: (message: string, detail: Readonly<Record<string, unknown>>) => void;
}

const identityOf = (record: SQSRecord): Readonly<Record<string, unknown>> => ({
  messageId: record.messageId,
  queue: record.eventSourceARN,
  receiveCount: record.attributes?.ApproximateReceiveCount,
  ...(record.attributes?.MessageGroupId === undefined
    ? {}
    : { messageGroupId: record.attributes.MessageGroupId }),
});

/** Why a delivered record is not an SQS record this handler can read, if it is not. */
const sqsRecordProblem = (record: unknown, index: number): InvalidRecord | undefined => {
  if (typeof record !== "object" || record === null)
    return invalidRecord(`#${index}`, "$", "not an SQS record");
  const { messageId, body } = record as { messageId?: unknown; body?: unknown };
  if (typeof messageId !== "string" || messageId === "")
    return invalidRecord(`#${index}`, "messageId", "missing or not a string");
  if (typeof body !== "string") return invalidRecord(messageId, "body", "missing or not a string");
  return undefined;
};

/**
 * SQS → table, correct under at-least-once delivery. Decodes every message
 * (domain/messageBody.ts), reduces all commands of the batch to the last one per key
 * (`lastPerKey`: highest `seq` when commands carry one, else delivery order), writes them with
 * ONE `TableWriter.write`, and maps failed commands back to their messages: a message fails when
 * one of its commands failed transiently, and is then redelivered by SQS. A message whose only
 * commands were superseded by a newer command of the same key is done.
 *
 * Invalid messages (undecodable, invalid attributes) and commands the table rejects as invalid
 * will never succeed: they go to `deps.rejects` AND are acknowledged, so they do not cycle through
 * retries into the dead-letter queue. On FIFO queues, once a message of a group fails, every later
 * message of that group in the batch is reported failed too, so a group is never applied out of
 * order. Partial batch failures are computed here (equivalent to @middy/sqs-partial-batch-failure,
 * which only knows per-message promises, not one write for the whole batch).
 *
 * Ordering: use EITHER a FIFO queue (each key's commands are delivered in order) OR a standard
 * queue with a sequence-guarded table writer (`VERSION_TABLE` for {@link handler}; the
 * In-Memory/DynamoDb SequenceGuardedTableWriter adapters): a standard queue reorders and
 * redelivers across batches, and only the guard (a per-key version item written in the same
 * transaction, refused unless `seq` is newer) keeps an older command from overwriting a newer
 * one. Within one batch, `lastPerKey` already lets the highest `seq` win.
 *
 * @example
 * export const handler = createQueueToTableHandler({ table, rejects: new LogRejectSink("replica") });
 */
export const createQueueToTableHandler = (deps: QueueToTableDeps) =>
  middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    if (records.length === 0) return { batchItemFailures: [] };
    const schema = await deps.table.keySchema()();
    if (E.isLeft(schema)) throw toThrowable(schema.left);
    const rejects: RejectedRecord[] = [];
    const owner = new Map<WriteCommand, number>();
    const undecodable = new Set<number>();
    const commands: WriteCommand[] = [];
    records.forEach((record, index) => {
      const malformed = sqsRecordProblem(record, index);
      const decoded = malformed
        ? E.left(malformed)
        : decodeMessageBody(record.messageId, record.body, schema.right);
      if (E.isLeft(decoded)) {
        rejects.push({ error: decoded.left, identity: malformed ? { index } : identityOf(record) });
        undecodable.add(index);
        return;
      }
      for (const command of decoded.right) {
        owner.set(command, index);
        commands.push(command);
      }
    });
    const failedMessages = new Set<number>();
    const winners = lastPerKey(commands);
    if (winners.length > 0) {
      const report = await deps.table.write(winners, deadlineOf(context))();
      if (E.isLeft(report)) {
        if (report.left._tag === "Configuration") throw toThrowable(report.left);
        deps.log?.("write failed; every message with commands is retried", {
          error: describeError(report.left),
        });
        for (const command of winners) failedMessages.add(owner.get(command) ?? -1);
      } else {
        for (const { command, error } of report.right.failed) {
          const index = owner.get(command) ?? -1;
          const record = records[index];
          if (error._tag === "InvalidRecord" && record !== undefined)
            rejects.push({
              error,
              identity: { ...identityOf(record), source: command.source, key: command.key },
            });
          else failedMessages.add(index);
        }
      }
    }
    const blockedGroups = new Set<string>();
    const batchItemFailures = records.flatMap((record, index) => {
      // A malformed record (possibly not even an object) is undecodable: it never fails.
      const group = undecodable.has(index) ? undefined : record.attributes?.MessageGroupId;
      const fails =
        failedMessages.has(index) ||
        (group !== undefined && blockedGroups.has(group) && !undecodable.has(index));
      if (fails && group !== undefined) blockedGroups.add(group);
      return fails ? [{ itemIdentifier: record.messageId }] : [];
    });
    if (rejects.length > 0) await deps.rejects.reject(rejects);
    return { batchItemFailures };
  });

/** An optional variable taken as it is. */
const optionalString: EnvVar<string | undefined> = {
  required: false,
  parse: (text) =>
    text.trim() === "" ? { ok: false, reason: "is empty" } : { ok: true, value: text },
};

/**
 * The Lambda entry point: `TABLE_NAME` (and, for a standard queue, `VERSION_TABLE`: key `pk` S,
 * TTL on `expiresAt`) from the environment, DynamoDB client from the default credential/region
 * chain, rejects logged as structured lines. With `VERSION_TABLE` set, commands carrying `seq`
 * are written by {@link DynamoDbSequenceGuardedTableWriter}; without it, by BatchWriteItem
 * (correct on a FIFO queue only).
 * @example // template.yaml: Handler: handlers/queueToTable.handler, Environment: TABLE_NAME, VERSION_TABLE
 */
export const handler = lazyHandler(() => {
  const env = readEnv(process.env, {
    TABLE_NAME: requiredString,
    VERSION_TABLE: optionalString,
  });
  if (!env.ok) return env;
  const client = new DynamoDBClient(retriedByTheLibrary);
  const { TABLE_NAME: table, VERSION_TABLE: versionTable } = env.value;
  return {
    ok: true,
    value: createQueueToTableHandler({
      table:
        versionTable === undefined
          ? new DynamoDbTableWriter(client, table)
          : new DynamoDbSequenceGuardedTableWriter(client, { table, versionTable }),
      rejects: new LogRejectSink("queueToTable"),
    }),
  };
});
