/**
 * The names the handlers' metrics are published under (handlers/lambda/batchMetrics.ts), in a
 * module of their own so the CDK constructs read them without loading the metrics library.
 */

/**
 * The metric name of each count (unit `Count`), per invocation.
 * @example METRIC_NAMES.rejected // "Rejected"
 */
export const METRIC_NAMES = {
  processed: "Processed",
  rejected: "Rejected",
  skipped: "Skipped",
  retried: "Retried",
} as const;

/**
 * Which count: `processed`, `rejected`, `skipped` or `retried`.
 * @example const name: PipelineMetricName = "rejected";
 */
export type PipelineMetricName = keyof typeof METRIC_NAMES;

/**
 * The namespace when `POWERTOOLS_METRICS_NAMESPACE` is not set.
 * @example new cloudwatch.Metric({ namespace: DEFAULT_METRICS_NAMESPACE, metricName: "Rejected" })
 */
export const DEFAULT_METRICS_NAMESPACE = "dynamodb-pipelines";

/**
 * The `service` dimension when `POWERTOOLS_SERVICE_NAME` is not set.
 * @example dimensionsMap: { service: DEFAULT_SERVICE_NAME, Pipeline: "queueToTable" }
 */
export const DEFAULT_SERVICE_NAME = "dynamodb-pipelines";
