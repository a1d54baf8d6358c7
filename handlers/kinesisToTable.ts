import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { canonicalKey } from "../domain/attributeValue.js";
import { describeError, type InvalidRecord, type PipelineError } from "../domain/errors.js";
import { decodeEventLog, eventLogCommand, kinesisRecordIdentity } from "../domain/eventLog.js";
import { lastPerKey, type PutCommand } from "../domain/writeCommand.js";
import type { RejectSink } from "../ports/rejectSink.js";
import type { TableWriter } from "../ports/tableWriter.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { lazyHandler } from "./lambda/lazyHandler.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", tableName: "EventLogs", sourceStreamName: "EventStream" }).functionCode
 */
export { kinesisToTablePermissions as permissions } from "./lambda/permissions.js";

/** What the Kinesis → event-log handler needs. */
export interface KinesisToTableDeps {
  /** The event-log table (partition key `eventId`, S). */
  readonly table: TableWriter;
  readonly rejects: RejectSink;
  /** Where progress and retry lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
}

/**
 * Kinesis stream → one item per event in the event-log table, idempotent under Lambda's
 * at-least-once delivery: the item key is the record's eventID (`shardId:sequenceNumber`) and the
 * timestamp its arrival time, so a redelivered record rewrites the same item with the same
 * content. All items of a batch go to ONE {@link TableWriter.write} (batched by 25, retried until
 * the deadline). Records that can never be stored (payload not base64/UTF-8/JSON object, item
 * over 400 KB, or refused by the table) go to `rejects` with their eventID, sequence number and
 * partition key, and are skipped. When writes still fail, the batch item failure is the sequence
 * number of the earliest failed record: Lambda re-reads from there, and everything before it is
 * done (configure `FunctionResponseTypes: ["ReportBatchItemFailures"]`). Records from the failed
 * one on are reported to `rejects` only when they are processed again, so rejects are not
 * repeated by the retry. A missing table (configuration) throws.
 *
 * @example
 * const handler = createKinesisToTableHandler({ table: new InMemoryTableWriter(db, "EventLogs"), rejects });
 * const response = await handler(kinesisEvent, context); // { batchItemFailures: [] }
 */
export const createKinesisToTableHandler = (deps: KinesisToTableDeps) =>
  middy(
    async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
      const records = await eventRecords(event, deps.rejects);
      const invalid = new Map<number, InvalidRecord>();
      const commands: PutCommand[] = [];
      const indicesOfKey = new Map<string, number[]>();
      records.forEach((raw, index) => {
        const entry = decodeEventLog(raw, index);
        if (E.isLeft(entry)) {
          invalid.set(index, entry.left);
          return;
        }
        const command = eventLogCommand(entry.right);
        const id = canonicalKey(command.key);
        indicesOfKey.set(id, [...(indicesOfKey.get(id) ?? []), index]);
        commands.push(command);
      });

      // The earliest record not stored for a retryable reason: Lambda resumes there.
      let cut = records.length;
      let cutError: PipelineError | undefined;
      if (commands.length > 0) {
        const report = await deps.table.write(lastPerKey(commands), deadlineOf(context))();
        if (E.isLeft(report)) {
          if (report.left._tag === "Configuration")
            throw new Error(describeError(report.left), { cause: report.left });
          cut = Math.min(...commands.map((command) => firstIndex(indicesOfKey, command)));
          cutError = report.left;
        } else {
          for (const { command, error } of report.right.failed) {
            const indices = indicesOfKey.get(canonicalKey(command.key)) ?? [];
            if (error._tag === "InvalidRecord") {
              for (const index of indices)
                invalid.set(index, { ...error, recordId: command.source });
            } else if ((indices[0] ?? cut) < cut) {
              cut = indices[0] ?? cut;
              cutError = error;
            }
          }
        }
      }

      const rejected = [...invalid.entries()]
        .filter(([index]) => index < cut)
        .sort(([a], [b]) => a - b)
        .map(([index, error]) => ({ error, identity: kinesisRecordIdentity(records[index]) }));
      if (rejected.length > 0) await deps.rejects.reject(rejected);
      deps.log?.({
        pipeline: "kinesisToTable",
        records: records.length,
        items: commands.length,
        rejected: rejected.length,
      });
      const resumeAt = cut < records.length ? records[cut]?.kinesis.sequenceNumber : undefined;
      if (resumeAt === undefined) return { batchItemFailures: [] };
      deps.log?.({
        pipeline: "kinesisToTable",
        retrying: resumeAt,
        ...(cutError ? { error: describeError(cutError) } : {}),
      });
      return { batchItemFailures: [{ itemIdentifier: resumeAt }] };
    },
  );

const firstIndex = (indicesOfKey: ReadonlyMap<string, number[]>, command: PutCommand): number =>
  indicesOfKey.get(canonicalKey(command.key))?.[0] ?? Number.POSITIVE_INFINITY;

const fromEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const config = readEnv(env, { TABLE_NAME: requiredString });
  if (!config.ok) return config;
  const table = new DynamoDbTableWriter(
    new DynamoDBClient(retriedByTheLibrary),
    config.value.TABLE_NAME,
  );
  const handler = createKinesisToTableHandler({
    table,
    rejects: new LogRejectSink("kinesisToTable"),
    log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
  return {
    ok: true as const,
    value: (event: KinesisStreamEvent, context: Context) => handler(event, context),
  };
};

/**
 * The Lambda entry point: `TABLE_NAME` names the event-log table; clients come from the default
 * AWS configuration chain. An invalid environment fails every invocation with one error naming
 * every problem.
 * @example // serverless.yml: handler: dist/handlers/kinesisToTable.handler
 */
export const handler = lazyHandler(() => fromEnv(process.env));
