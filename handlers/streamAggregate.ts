import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import middy from "@middy/core";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { DynamoDbAggregateStore } from "../adapters/aws/DynamoDbAggregateStore.js";
import { DynamoDbStreamShards } from "../adapters/aws/DynamoDbStreamShards.js";
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
import type { RejectSink } from "../ports/rejectSink.js";
import type { StreamShards } from "../ports/streamShards.js";
import { aggregateChanges } from "../ports/useCases/aggregateChanges.js";
import {
  type BatchMetrics,
  eventSize,
  rejectedEvent,
  retriedOnError,
} from "./lambda/batchMetrics.js";
import { firstFailure } from "./lambda/batchResponse.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { type EnvVar, optionalJson, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import { settleStreamBatch } from "./lambda/settleStreamBatch.js";
import { rejectionOf } from "./lambda/streamRejects.js";
import {
  type DynamoDbStreamWindowEvent,
  type StreamWindowResponse,
  streamRecordRefOf,
  windowShardOf,
  withWindowState,
} from "./lambda/streamWindow.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", totalsTable: "totals", sourceStreamArn }).functionCode
 */
export { streamAggregatePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the aggregation handler needs.
 * @example const deps: StreamAggregateDeps = { store, rejects: new LogRejectSink("totals") };
 */
export interface StreamAggregateDeps {
  readonly store: AggregateStore;
  readonly rejects: RejectSink;
  /** Defaults to seed 002: quantity per (day of order_date, item_id). */
  readonly spec?: AggregateSpec;
  /**
   * The event source mapping's ParallelizationFactor. Only a factor known to be 1 lets a
   * tumbling-window invocation use watermark mode: above 1 batches of one shard run concurrently
   * and a watermark would skip records; unknown (absent) is treated as that risk: marker mode.
   */
  readonly parallelizationFactor?: number;
  /**
   * The stream's shards, read back when an event without a tumbling window holds records a
   * watermark of their shard may have applied (after a window was removed). Without it such a
   * batch fails until the window is restored rather than being applied twice.
   */
  readonly shards?: StreamShards;
  /** Where progress lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
  /** Where each invocation's counts go (handlers/lambda/batchMetrics.ts); none by default. */
  readonly metrics?: BatchMetrics;
}

/**
 * DynamoDB stream → totals table, exactly once in effect under Lambda's at-least-once delivery
 * ({@link aggregateChanges}). Records that can never be aggregated (undecodable, a quantity that
 * is not a number, a missing date) are reported to `rejects` with their keys and skipped; their
 * readable half still counts. A transient failure returns the sequence number of the first
 * record not applied as the batch item failure, so Lambda resumes there (configure
 * `FunctionResponseTypes: ["ReportBatchItemFailures"]`); a `Configuration` error fails the
 * invocation once the rejects before it are reported.
 *
 * Which exactly-once mode runs: an event with a `shardId` (the mapping has a tumbling window,
 * `TumblingWindowInSeconds` > 0) and a ParallelizationFactor known to be 1 → watermark mode, one
 * conditional write per distinct total that also moves the total's watermark for the shard; the
 * response then carries the window's `state`. Any other event → marker mode, one marker per
 * record. Each mode honours the other's bookkeeping, so a batch delivered again after the
 * mapping changed is not applied twice (ports/useCases/applyAggregates.ts).
 *
 * @example
 * export const handler = createStreamAggregateHandler({ store, rejects: new LogRejectSink("totals") });
 */
export const createStreamAggregateHandler = (deps: StreamAggregateDeps) => {
  const aggregate = aggregateChanges(deps.store, deps.spec ?? seedAggregateSpec);
  const sequential = deps.parallelizationFactor === 1;
  return middy(async (event: DynamoDbStreamWindowEvent): Promise<StreamWindowResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const report = await aggregate(records.map(decodeChangeRecord), {
      shardId: windowShardOf(event),
      sequential,
      source: streamRecordRefOf(records),
      shards: deps.shards,
      storeReject: (index, error) => deps.rejects.reject([rejectionOf(error, records[index])]),
    })();
    const first = firstFailure(report.failed);
    const { rejectsNow, response, reported, counts } = await settleStreamBatch(
      deps.rejects,
      records,
      (index) => records[index]?.dynamodb?.SequenceNumber,
      first?.index,
      report.rejected,
      rejectionOf,
      report.stored.map((r) => r.index),
    );
    deps.log?.({
      pipeline: "streamAggregate",
      records: records.length,
      mode: report.mode,
      transactions: report.transactions,
      duplicates: report.duplicates,
      rejected: rejectsNow.length,
    });
    // A configuration error fails the invocation: retriedOnError counts it.
    if (first?.error._tag !== "Configuration" || reported !== response)
      deps.metrics?.(counts(report.duplicates, rejectedEvent(event)));
    if (first === undefined || reported !== response) return withWindowState(event, reported);
    if (first.error._tag === "Configuration") throw toThrowable(first.error);
    deps.log?.({
      pipeline: "streamAggregate",
      retrying: response.batchItemFailures[0]?.itemIdentifier,
      error: describeError(first.error),
    });
    return withWindowState(event, response);
  })
    .use(retriedOnError(deps.metrics, eventSize))
    .use(pipelineFailures("streamAggregate"));
};

/** `AGGREGATION_ID`: 1 to 64 letters, digits, `.`, `_` or `-`. */
const aggregationIdVar: EnvVar<string | undefined> = {
  required: false,
  parse: (text) =>
    /^[A-Za-z0-9._-]{1,64}$/.test(text)
      ? E.right(text)
      : E.left("must be 1 to 64 letters, digits, '.', '_' or '-'"),
};

/** `PARALLELIZATION_FACTOR`: the event source mapping's, 1 to 10. */
const parallelizationVar: EnvVar<number | undefined> = {
  required: false,
  parse: (text) =>
    /^(10|[1-9])$/.test(text) ? E.right(Number(text)) : E.left("must be an integer from 1 to 10"),
};

/**
 * Lambda entry point. Environment: `TOTALS_TABLE` (required), `AGGREGATE_SPEC` (optional JSON),
 * `AGGREGATION_ID` (optional: scopes the exactly-once markers; default a hash of the spec and the
 * table, so aggregations with different specs can share a totals table), `PARALLELIZATION_FACTOR`
 * (optional, the mapping's: above 1, marker mode even in tumbling-window invocations).
 * @example // CDK: new NodejsFunction(this, "Totals", { entry: "node_modules/dynamodb-pipelines/handlers/streamAggregate.ts" })
 */
export const handler = entryPoint("streamAggregate", (env, metrics) =>
  pipe(
    readEnv(env, {
      TOTALS_TABLE: requiredString,
      REJECT_DESTINATION: rejectDestinationVar,
      AGGREGATION_ID: aggregationIdVar,
      PARALLELIZATION_FACTOR: parallelizationVar,
      AGGREGATE_SPEC: optionalJson((value) =>
        pipe(
          AggregateSpecCodec.decode(value),
          E.mapLeft(() => `is not an aggregate spec: ${aggregateSpecProblem(value)}`),
        ),
      ),
    }),
    E.map(
      ({
        TOTALS_TABLE,
        AGGREGATION_ID,
        AGGREGATE_SPEC,
        PARALLELIZATION_FACTOR,
        REJECT_DESTINATION,
      }) => {
        const spec = AGGREGATE_SPEC ?? seedAggregateSpec;
        // Markers are scoped by the aggregation, so aggregations can share a totals table.
        const aggregationId = AGGREGATION_ID ?? aggregationIdOf(spec, TOTALS_TABLE);
        return createStreamAggregateHandler({
          shards: new DynamoDbStreamShards(new DynamoDBStreamsClient({})),
          store: new DynamoDbAggregateStore(new DynamoDBClient({}), TOTALS_TABLE, spec, {
            ...markerLayoutOf(spec),
            aggregationId,
          }),
          spec,
          rejects: rejectSinkFor("streamAggregate", REJECT_DESTINATION, env, {
            warnWhenLogged: true,
          }),
          ...(PARALLELIZATION_FACTOR === undefined
            ? {}
            : { parallelizationFactor: PARALLELIZATION_FACTOR }),
          metrics,
        });
      },
    ),
  ),
);
