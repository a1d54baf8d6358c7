/**
 * Event source mappings with the settings the pipelines' guarantees depend on. Every mapping
 * reports batch item failures (the handlers answer with `batchItemFailures`; without
 * `ReportBatchItemFailures` Lambda ignores that answer and deletes/checkpoints the whole batch).
 * The mappings are built directly (not with `DynamoEventSource`/`SqsEventSource`), so the role
 * gets only the statements of the entry point's `permissions()`.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * Batching and bisection of a stream (DynamoDB or Kinesis) event source.
 * @example ({ batchSize: 100, maxBatchingWindow: Duration.seconds(1), bisectBatchOnError: true })
 */
export interface StreamSourceOptions {
  /** Records per batch (default 100). */
  readonly batchSize?: number;
  /** How long Lambda gathers records before invoking (default none). */
  readonly maxBatchingWindow?: Duration;
  /** Split a failing batch in two (the construct's default says whether its pipeline is safe). */
  readonly bisectBatchOnError?: boolean;
  /** Concurrent batches per shard (default 1: per-key order needs 1 for DynamoDB streams). */
  readonly parallelizationFactor?: number;
  /**
   * A tumbling window (default none): each invocation then carries its shard id, which lets
   * streamAggregate keep a watermark per shard in each total instead of one marker per record.
   */
  readonly tumblingWindow?: Duration;
}

/**
 * A stream event source: TRIM_HORIZON (every record still in the stream), unlimited retries and
 * no maximum record age (a limit would discard changes silently; records leave the stream only
 * at its retention), partial batch responses, and an on-failure destination for the records
 * Lambda gives up on anyway (retention reached).
 * @example streamSource(fn, "Orders", { eventSourceArn: orders.tableStreamArn, onFailure: failures, bisectBatchOnError: true })
 */
export const streamSource = (
  fn: lambda.Function,
  id: string,
  props: StreamSourceOptions & { readonly eventSourceArn: string; readonly onFailure: sqs.IQueue },
): lambda.EventSourceMapping =>
  fn.addEventSourceMapping(id, {
    eventSourceArn: props.eventSourceArn,
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: props.batchSize ?? 100,
    ...(props.maxBatchingWindow === undefined
      ? {}
      : { maxBatchingWindow: props.maxBatchingWindow }),
    bisectBatchOnError: props.bisectBatchOnError ?? false,
    parallelizationFactor: props.parallelizationFactor ?? 1,
    ...(props.tumblingWindow === undefined ? {} : { tumblingWindow: props.tumblingWindow }),
    retryAttempts: -1,
    reportBatchItemFailures: true,
    onFailure: new SqsDlq(props.onFailure),
  });

/**
 * Batching of an SQS event source.
 * @example ({ batchSize: 10, maxBatchingWindow: Duration.seconds(0) })
 */
export interface QueueSourceOptions {
  /** Messages per batch (default 10, the most a FIFO queue allows). */
  readonly batchSize?: number;
  /** How long Lambda gathers messages before invoking (standard queues only; default none). */
  readonly maxBatchingWindow?: Duration;
  /** The most concurrent invocations this source drives (2 to 1000; default Lambda's). */
  readonly maxConcurrency?: number;
}

/**
 * An SQS event source with partial batch responses (a failed message alone returns to the
 * queue; the rest are deleted).
 * @example queueSource(fn, "Rows", { queue, batchSize: 10 })
 */
export const queueSource = (
  fn: lambda.Function,
  id: string,
  props: QueueSourceOptions & { readonly queue: sqs.IQueue },
): lambda.EventSourceMapping =>
  fn.addEventSourceMapping(id, {
    eventSourceArn: props.queue.queueArn,
    batchSize: props.batchSize ?? 10,
    ...(props.maxBatchingWindow === undefined
      ? {}
      : { maxBatchingWindow: props.maxBatchingWindow }),
    ...(props.maxConcurrency === undefined ? {} : { maxConcurrency: props.maxConcurrency }),
    reportBatchItemFailures: true,
  });

/**
 * An alarm when the oldest record a stream mapping has not processed gets older than
 * `threshold` (default 10 minutes): the pipeline is stuck on a failing batch or falling behind,
 * and DynamoDB streams keep records 24 hours only.
 * @example iteratorAgeAlarm(this, fn, Duration.minutes(10))
 */
export const iteratorAgeAlarm = (
  scope: Construct,
  fn: lambda.IFunction,
  threshold: Duration = Duration.minutes(10),
): cloudwatch.Alarm =>
  fn
    .metric("IteratorAge", { statistic: "Maximum", period: Duration.minutes(1) })
    .createAlarm(scope, "IteratorAgeAlarm", {
      alarmDescription: `${fn.node.path}: stream records wait longer than ${threshold.toHumanString()}`,
      threshold: threshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
