/**
 * Queues the pipelines consume, each with a dead-letter queue and an alarm on its depth.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * How a consumed queue is created.
 * @example ({ fifo: true, consumerTimeout: Duration.seconds(60), maxReceiveCount: 5 })
 */
export interface QueueWithDlqProps {
  readonly fifo: boolean;
  /** The consuming function's timeout: the visibility timeout is 6 times it (AWS guidance). */
  readonly consumerTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue (default 5). */
  readonly maxReceiveCount?: number;
}

/**
 * A queue with its dead-letter queue (14 days' retention), SQS-managed encryption, and the
 * visibility timeout Lambda's guidance asks for: at least 6 times the function's timeout, so a
 * message being retried by a throttled poller is not delivered twice at once.
 * @example const { queue, deadLetterQueue } = queueWithDlq(this, "Rows", { fifo: false, consumerTimeout: fn.timeout })
 */
export const queueWithDlq = (
  scope: Construct,
  id: string,
  props: QueueWithDlqProps,
): { readonly queue: sqs.Queue; readonly deadLetterQueue: sqs.Queue } => {
  const fifo = props.fifo ? { fifo: true } : {};
  const deadLetterQueue = new sqs.Queue(scope, `${id}Dlq`, {
    ...fifo,
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const queue = new sqs.Queue(scope, id, {
    ...fifo,
    ...(props.fifo ? { contentBasedDeduplication: false } : {}),
    visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
    retentionPeriod: Duration.days(4),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
  });
  return { queue, deadLetterQueue };
};

/**
 * A dead-letter (or on-failure) queue for records a stream mapping gives up on.
 * @example const failures = failureQueue(this, "Failures");
 */
export const failureQueue = (scope: Construct, id: string): sqs.Queue =>
  new sqs.Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });

/**
 * An alarm when a dead-letter queue holds any message: each is a change or row the pipeline
 * did not apply.
 * @example dlqDepthAlarm(this, "DlqAlarm", deadLetterQueue)
 */
export const dlqDepthAlarm = (scope: Construct, id: string, queue: sqs.IQueue): cloudwatch.Alarm =>
  queue
    .metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period: Duration.minutes(1) })
    .createAlarm(scope, id, {
      alarmDescription: `${queue.node.path}: messages the pipeline did not apply`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
