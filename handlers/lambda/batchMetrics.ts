/**
 * What each invocation did, published once per invocation as CloudWatch metrics in the Embedded
 * Metric Format (one JSON log line; CloudWatch extracts the metrics from it) by Powertools
 * Metrics. Every batch entry point counts each delivered record exactly once:
 *
 * - `Retried`: delivered again (a batch item failure, every record from a stream's resume point
 *   on, the whole batch when the invocation fails; csvToQueue: the event, when the invocation fails);
 * - `Rejected`: handed to the reject sink (never to succeed; acknowledged);
 * - `Skipped`: found already applied (a redelivery), not applied again;
 * - `Processed`: applied, written or sent (csvToQueue: rows sent).
 *
 * Namespace `POWERTOOLS_METRICS_NAMESPACE` (default `dynamodb-pipelines`), dimensions `service`
 * (`POWERTOOLS_SERVICE_NAME`, default `dynamodb-pipelines`) and `Pipeline` (the entry point).
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { MiddlewareObj } from "@middy/core";
import type { StreamBatchResponse } from "./batchResponse.js";
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  METRIC_NAMES,
  type PipelineMetricName,
} from "./metricNames.js";

/**
 * One invocation's counts.
 * @example const counts: BatchCounts = { processed: 8, rejected: 1, skipped: 1, retried: 0 };
 */
export type BatchCounts = { readonly [count in PipelineMetricName]: number };

/**
 * Where a handler hands its invocation's counts (once per invocation).
 * @example const metrics: BatchMetrics = (counts) => console.log(counts);
 */
export type BatchMetrics = (counts: BatchCounts) => void;

/** The Lambda environment, as `process.env`. */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * An entry point's metrics: `record` stores an invocation's counts (the Powertools instance is
 * made at the first count, from the environment then); the middleware publishes them after the
 * invocation, failed or not, and only when a handler recorded some: an invocation that failed
 * before any handler ran (an invalid environment at cold start) publishes nothing.
 *
 * @example
 * const metrics = pipelineMetrics("queueToTable", () => process.env);
 * middy(core).use(metrics.publish); // and core hands its counts to metrics.record
 */
export const pipelineMetrics = (
  pipeline: string,
  environment: () => Environment,
): { readonly record: BatchMetrics; readonly publish: MiddlewareObj } => {
  let metrics: Metrics | undefined;
  const flush = () => {
    if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    record: (counts) => {
      if (metrics === undefined) {
        const env = environment();
        metrics = new Metrics({
          ...(env.POWERTOOLS_METRICS_NAMESPACE ? {} : { namespace: DEFAULT_METRICS_NAMESPACE }),
          ...(env.POWERTOOLS_SERVICE_NAME ? {} : { serviceName: DEFAULT_SERVICE_NAME }),
          defaultDimensions: { Pipeline: pipeline },
        });
      }
      for (const [count, name] of Object.entries(METRIC_NAMES))
        metrics.addMetric(name, MetricUnit.Count, counts[count as PipelineMetricName]);
    },
    publish: { after: flush, onError: flush },
  };
};

/**
 * Middy `onError` for a batch handler: an invocation that fails is delivered again whole, so
 * all its records count as `Retried` (`size`: the records of the event; 1 for an event without
 * records).
 *
 * @example
 * middy(core).use(retriedOnError(deps.metrics, eventSize));
 */
export const retriedOnError = <Event>(
  metrics: BatchMetrics | undefined,
  size: (event: Event) => number,
): MiddlewareObj<Event> => ({
  onError: (request) => {
    metrics?.({ processed: 0, rejected: 0, skipped: 0, retried: size(request.event) });
  },
});

/**
 * The number of records of a Lambda event (1 when it has no `Records` array: the event is
 * delivered again whole).
 * @example eventSize({ Records: [a, b] }) // 2
 */
export const eventSize = (event: unknown): number => {
  const records =
    typeof event === "object" && event !== null ? (event as { Records?: unknown }).Records : null;
  return Array.isArray(records) ? records.length : 1;
};

/**
 * A stream batch's counts from its final response: records from the resume point on are
 * retried (`""`, or an identifier not in the batch: all of them); before it, each is rejected
 * (`rejected`: the positions handed to the sink), skipped (`skipped`: how many were found
 * already applied) or processed. `rejectedEvent`: the event itself went to the sink (no records).
 *
 * @example
 * streamCounts(3, (i) => seqs[i], { batchItemFailures: [{ itemIdentifier: seqs[2] }] }, [0], 0)
 * // { processed: 1, rejected: 1, skipped: 0, retried: 1 }
 */
export const streamCounts = (
  count: number,
  sequenceNumberAt: (index: number) => string | undefined,
  response: StreamBatchResponse,
  rejected: ReadonlyArray<number>,
  skipped: number,
  rejectedEvent = false,
): BatchCounts => {
  const [resume] = response.batchItemFailures;
  let resumeAt = count;
  if (resume !== undefined) {
    const at = Array.from({ length: count }, (_, i) => i).find(
      (i) => sequenceNumberAt(i) === resume.itemIdentifier,
    );
    resumeAt = at ?? 0;
  }
  const rejectedNow = new Set(rejected.filter((index) => index < resumeAt)).size;
  const skippedNow = Math.min(skipped, resumeAt - rejectedNow);
  return {
    processed: resumeAt - rejectedNow - skippedNow,
    rejected: rejectedNow + (rejectedEvent ? 1 : 0),
    skipped: skippedNow,
    retried: count - resumeAt,
  };
};

/**
 * An SQS batch's counts: each message is retried (named in `failures`), else rejected (it, or
 * one of its commands, handed to the sink: `rejected` positions), else skipped (`skipped`
 * positions: all its commands already applied), else processed.
 *
 * @example
 * sqsCounts(["m0", "m1", "m2"], { batchItemFailures: [{ itemIdentifier: "m2" }] }, [0], [])
 * // { processed: 1, rejected: 1, skipped: 0, retried: 1 }
 */
export const sqsCounts = (
  messageIds: ReadonlyArray<string | undefined>,
  response: StreamBatchResponse,
  rejected: ReadonlyArray<number>,
  skipped: ReadonlyArray<number>,
  rejectedEvent = false,
): BatchCounts => {
  const failing = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const counts = { processed: 0, rejected: rejectedEvent ? 1 : 0, skipped: 0, retried: 0 };
  const rejects = new Set(rejected);
  const skips = new Set(skipped);
  messageIds.forEach((id, index) => {
    if (id !== undefined && failing.has(id)) counts.retried += 1;
    else if (rejects.has(index)) counts.rejected += 1;
    else if (skips.has(index)) counts.skipped += 1;
    else counts.processed += 1;
  });
  return counts;
};

/**
 * Whether `eventRecords` handed the event itself to the reject sink (it has no `Records` array).
 * @example rejectedEvent({ foo: 1 }) // true
 */
export const rejectedEvent = (event: unknown): boolean =>
  !(
    typeof event === "object" &&
    event !== null &&
    Array.isArray((event as { Records?: unknown }).Records)
  );
