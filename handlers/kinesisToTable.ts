import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
import { deaggregateKpl } from "../adapters/kpl/deaggregateKpl.js";
import { describeError, toThrowable } from "../domain/errors.js";
import { decodeEventLog, kinesisRecordIdentity } from "../domain/eventLog.js";
import type { Deaggregate } from "../domain/kplUserRecord.js";
import type { RejectSink } from "../ports/rejectSink.js";
import type { TableWriter } from "../ports/tableWriter.js";
import { logEvents } from "../ports/useCases/logEvents.js";
import {
  type BatchMetrics,
  eventSize,
  rejectedEvent,
  retriedOnError,
} from "./lambda/batchMetrics.js";
import { firstFailure } from "./lambda/batchResponse.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import { settleStreamBatch } from "./lambda/settleStreamBatch.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", tableName: "EventLogs", sourceStreamName: "EventStream" }).functionCode
 */
export { kinesisToTablePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the Kinesis → event-log handler needs.
 * @example const deps: KinesisToTableDeps = { table: new DynamoDbTableWriter(client, "EventLogs"), rejects };
 */
export interface KinesisToTableDeps {
  /** The event-log table (partition key `eventId`, S). */
  readonly table: TableWriter;
  readonly rejects: RejectSink;
  /** How KPL aggregates are split into user records (default: {@link deaggregateKpl}). */
  readonly deaggregate?: Deaggregate;
  /** Where progress and retry lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
  /** Where each invocation's counts go (handlers/lambda/batchMetrics.ts); none by default. */
  readonly metrics?: BatchMetrics;
}

/**
 * Kinesis stream → one item per event in the event-log table, idempotent under Lambda's
 * at-least-once delivery: the item key is the record's eventID (`shardId:sequenceNumber`; for
 * each user record of a KPL aggregate, `shardId:sequenceNumber:subSequenceNumber`) and the
 * timestamp its arrival time, so a redelivered record rewrites the same items with the same
 * content. Payloads are stored as JSON, text or binary (`dataFormat`). The batch is stored by
 * {@link logEvents} (ONE `TableWriter.write`, batched by 25, retried until the deadline). Events
 * that can never be stored (a malformed record, `data` not base64, an item over 400 KB, or
 * refused by the table) go to `rejects` with their id, sequence number and partition key, and
 * are skipped. When writes still fail, the batch item failure is
 * the sequence number of the earliest failed record: Lambda re-reads from there, and everything
 * before it is done (configure `FunctionResponseTypes: ["ReportBatchItemFailures"]`). Records
 * from the failed one on are reported to `rejects` only when they are processed again, so
 * rejects are not repeated by the retry. A missing table (configuration) fails the invocation.
 *
 * @example
 * const handler = createKinesisToTableHandler({ table: new InMemoryTableWriter(db, "EventLogs"), rejects });
 * const response = await handler(kinesisEvent, context); // { batchItemFailures: [] }
 */
export const createKinesisToTableHandler = (deps: KinesisToTableDeps) => {
  const store = logEvents(deps.table);
  const deaggregate = deps.deaggregate ?? deaggregateKpl;
  return middy(
    async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
      const records = await eventRecords(event, deps.rejects);
      const decoded = records.map((record, index) => decodeEventLog(record, index, deaggregate));
      const report = await store(decoded, deadlineOf(context))();
      if (E.isLeft(report)) throw toThrowable(report.left);
      const first = firstFailure(report.right.failed);
      const { rejectsNow, response, reported, counts } = await settleStreamBatch(
        deps.rejects,
        records,
        (index) => records[index]?.kinesis?.sequenceNumber,
        first?.index,
        report.right.rejected,
        (error, record) => ({
          error,
          identity: kinesisRecordIdentity(record),
          ...(record === undefined ? {} : { original: record }),
        }),
      );
      deps.metrics?.(counts(0, rejectedEvent(event)));
      if (reported !== response) return reported;
      deps.log?.({
        pipeline: "kinesisToTable",
        records: records.length,
        items: report.right.items,
        rejected: rejectsNow.length,
      });
      const [resumeAt] = response.batchItemFailures;
      if (first !== undefined && resumeAt !== undefined)
        deps.log?.({
          pipeline: "kinesisToTable",
          retrying: resumeAt.itemIdentifier,
          error: describeError(first.error),
        });
      return response;
    },
  )
    .use(retriedOnError(deps.metrics, eventSize))
    .use(pipelineFailures("kinesisToTable"));
};

/**
 * The Lambda entry point: `TABLE_NAME` names the event-log table; clients come from the default
 * AWS configuration chain. An invalid environment fails every invocation with one error naming
 * every problem.
 * @example // serverless.yml: handler: dist/handlers/kinesisToTable.handler
 */
export const handler = entryPoint("kinesisToTable", (env, metrics) =>
  pipe(
    readEnv(env, { TABLE_NAME: requiredString, REJECT_DESTINATION: rejectDestinationVar }),
    E.map(({ TABLE_NAME, REJECT_DESTINATION }) =>
      createKinesisToTableHandler({
        table: new DynamoDbTableWriter(new DynamoDBClient(retriedByTheLibrary), TABLE_NAME),
        rejects: rejectSinkFor("kinesisToTable", REJECT_DESTINATION, env, { warnWhenLogged: true }),
        log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
        metrics,
      }),
    ),
  ),
);
