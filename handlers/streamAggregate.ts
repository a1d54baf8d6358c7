import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { DynamoDbAggregateStore } from "../adapters/aws/DynamoDbAggregateStore.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { deltasOf, type RecordDeltas } from "../domain/aggregateDeltas.js";
import { aggregationIdOf, markerLayoutOf } from "../domain/aggregateMarkers.js";
import {
  type AggregateSpec,
  AggregateSpecCodec,
  aggregateSpecProblem,
  seedAggregateSpec,
} from "../domain/aggregateSpec.js";
import { describeError, toThrowable } from "../domain/errors.js";
import { decodeChangeRecord } from "../domain/streamRecord.js";
import type { AggregateStore } from "../ports/aggregateStore.js";
import type { RejectedRecord, RejectSink } from "../ports/rejectSink.js";
import { applyAggregates } from "../ports/useCases/applyAggregates.js";
import { optionalJson, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { lazyHandler } from "./lambda/lazyHandler.js";
import { rejectionOf } from "./lambda/streamRejects.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", totalsTable: "totals", sourceStreamArn }).functionCode
 */
export { streamAggregatePermissions as permissions } from "./lambda/permissions.js";

/** What the aggregation handler needs. */
export interface StreamAggregateDeps {
  readonly store: AggregateStore;
  readonly rejects: RejectSink;
  /** Defaults to seed 002: quantity per (day of order_date, item_id). */
  readonly spec?: AggregateSpec;
  /** Where progress lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
}

/**
 * DynamoDB stream → totals table, exactly once in effect under Lambda's at-least-once delivery.
 * Records that can never be aggregated (undecodable, a quantity that is not a number, a missing
 * date) are reported to `rejects` with their keys and skipped; their readable half still counts
 * (a MODIFY from a valid to an invalid order removes the old quantity). A transient failure
 * returns the sequence number of the first record not applied as the batch item failure, so
 * Lambda resumes there (configure `FunctionResponseTypes: ["ReportBatchItemFailures"]`).
 *
 * @example
 * export const handler = createStreamAggregateHandler({ store, rejects: new LogRejectSink("totals") });
 */
export const createStreamAggregateHandler = (deps: StreamAggregateDeps) => {
  const spec = deps.spec ?? seedAggregateSpec;
  const apply = applyAggregates(deps.store);
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const raws = await eventRecords(event, deps.rejects);
    const invalid: { readonly index: number; readonly rejection: RejectedRecord }[] = [];
    const records: RecordDeltas[] = [];
    raws.forEach((raw, index) => {
      const change = decodeChangeRecord(raw, index);
      if (E.isLeft(change)) {
        invalid.push({ index, rejection: rejectionOf(change.left, raw) });
        return;
      }
      const deltas = deltasOf(spec, change.right);
      for (const error of deltas.errors)
        invalid.push({ index, rejection: rejectionOf(error, raw) });
      records.push(deltas);
    });
    const report = await apply(records)();
    for (const error of report.rejected) {
      const index = raws.findIndex((r) => r?.eventID === error.recordId);
      invalid.push({ index, rejection: rejectionOf(error, raws[index]) });
    }
    // Records from the resume point on are delivered again: report them then, not twice.
    const resumeAt = report.stopped?.resumeAt;
    const cut =
      resumeAt === undefined
        ? raws.length
        : raws.findIndex((r) => r?.dynamodb?.SequenceNumber === resumeAt);
    const rejected = invalid.filter(({ index }) => index < cut).map(({ rejection }) => rejection);
    if (rejected.length > 0) await deps.rejects.reject(rejected);
    deps.log?.({
      pipeline: "streamAggregate",
      records: raws.length,
      transactions: report.transactions,
      duplicates: report.duplicates,
      rejected: rejected.length,
    });
    if (report.stopped === undefined) return { batchItemFailures: [] };
    if (report.stopped.error._tag === "Configuration") throw toThrowable(report.stopped.error);
    deps.log?.({
      pipeline: "streamAggregate",
      retrying: report.stopped.resumeAt,
      error: describeError(report.stopped.error),
    });
    return { batchItemFailures: [{ itemIdentifier: report.stopped.resumeAt }] };
  });
};

const fromEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const config = readEnv(env, {
    TOTALS_TABLE: requiredString,
    AGGREGATION_ID: {
      required: false,
      parse: (text: string) =>
        /^[A-Za-z0-9._-]{1,64}$/.test(text)
          ? { ok: true as const, value: text }
          : { ok: false as const, reason: "must be 1 to 64 letters, digits, '.', '_' or '-'" },
    },
    AGGREGATE_SPEC: optionalJson((value) => {
      const decoded = AggregateSpecCodec.decode(value);
      return E.isRight(decoded)
        ? { ok: true, value: decoded.right }
        : { ok: false, reason: `is not an aggregate spec: ${aggregateSpecProblem(value)}` };
    }),
  });
  if (!config.ok) return config;
  const spec = config.value.AGGREGATE_SPEC ?? seedAggregateSpec;
  const table = config.value.TOTALS_TABLE;
  // Markers are scoped by the aggregation, so aggregations can share a totals table.
  const aggregationId = config.value.AGGREGATION_ID ?? aggregationIdOf(spec, table);
  const store = new DynamoDbAggregateStore(new DynamoDBClient({}), table, spec, {
    ...markerLayoutOf(spec),
    aggregationId,
  });
  const handler = createStreamAggregateHandler({
    store,
    spec,
    rejects: new LogRejectSink("streamAggregate"),
  });
  return {
    ok: true as const,
    value: (event: DynamoDBStreamEvent, context: Context) => handler(event, context),
  };
};

/**
 * Lambda entry point. Environment: `TOTALS_TABLE` (required), `AGGREGATE_SPEC` (optional JSON),
 * `AGGREGATION_ID` (optional: scopes the exactly-once markers; default a hash of the spec and the
 * table, so aggregations with different specs can share a totals table).
 * @example // CDK: new NodejsFunction(this, "Totals", { entry: "node_modules/dynamodb-pipelines/handlers/streamAggregate.ts" })
 */
export const handler = lazyHandler(() => fromEnv(process.env));
