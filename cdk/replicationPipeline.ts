/**
 * Seed 000 as one construct: source table stream → streamToQueue → SQS (FIFO by default) →
 * queueToTable → replica table, every write ordered by a version table.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  queueToTablePermissions,
  streamToQueuePermissions,
} from "../handlers/lambda/permissions.js";
import {
  iteratorAgeAlarm,
  type QueueSourceOptions,
  queueSource,
  type StreamSourceOptions,
  streamSource,
} from "./eventSources.js";
import { asITable, keyArnOf, locationOf, streamArnOf } from "./location.js";
import {
  DEFAULT_TIMEOUT,
  PipelineFunction,
  type PipelineFunctionOptions,
} from "./pipelineFunction.js";
import { dlqDepthAlarm, failureQueue, queueWithDlq } from "./queues.js";
import {
  type PipelineRejects,
  pipelineRejects,
  type RejectDestinationProp,
} from "./rejectDestination.js";
import { versionTable } from "./versionTable.js";

/**
 * What {@link ReplicationPipeline} creates unless given.
 * A given table encrypted with a customer managed KMS key brings its key (`encryptionKey`;
 * import the table with it): each function gets the KMS actions its calls need on that key alone,
 * on the source table's stream too.
 * @example ({ sourceTable: users, fifo: true })
 */
export interface ReplicationPipelineProps {
  /** The table to copy; needs a NEW_AND_OLD_IMAGES stream (default: a new table keyed by `key`). */
  readonly sourceTable?: dynamodb.ITable;
  /** The copy (default: a new table keyed by `key`). */
  readonly replicaTable?: dynamodb.ITable;
  /** The key of the tables created here (default partition key `id`, string): the source's key. */
  readonly key?: {
    readonly partitionKey: dynamodb.Attribute;
    readonly sortKey?: dynamodb.Attribute;
  };
  /**
   * FIFO queue (default true): each key's changes arrive in order, until one is dead-lettered.
   * false: a standard queue. Either way a version table orders each key's writes (a redriven
   * dead letter, or a message the standard queue reordered, never overwrites a newer change).
   */
  readonly fifo?: boolean;
  /** The version table (key `pk` S; default: a new one, TTL `expiresAt`), whatever the queue. */
  readonly versionTable?: dynamodb.ITable;
  /** Receives before a message goes to the dead-letter queue (default 5). */
  readonly maxReceiveCount?: number;
  readonly stream?: StreamSourceOptions;
  /** Where rejected records go (default: a new SQS queue, 14 days; docs/rejects.md). */
  readonly rejectDestination?: RejectDestinationProp;
  readonly queueSource?: QueueSourceOptions;
  readonly functions?: PipelineFunctionOptions;
}

/**
 * DynamoDB table → replica through SQS. Settings it fixes: the stream mapping starts at
 * TRIM_HORIZON with unlimited retries and no record age (so no change is skipped), reports
 * batch item failures (checkpoint at the first unsent change), bisects on error (safe: a resent
 * change is deduplicated on FIFO, and the replica write is idempotent, last-per-key, and
 * sequence-guarded); the queue keeps messages 6× the consumer's timeout invisible and moves
 * poison messages to a dead-letter queue; the consumer reads 10 messages a batch and reports
 * failures per message (on FIFO, a failed message fails the rest of its group) and writes
 * through the version table, so `redrive` of the dead-letter queue is safe at any time.
 * @example new ReplicationPipeline(this, "Users", { sourceTable: users })
 */
export class ReplicationPipeline extends Construct {
  readonly sourceTable: dynamodb.ITable;
  readonly replicaTable: dynamodb.ITable;
  /** Orders the replica's writes (VERSION_TABLE), FIFO queue or not. */
  readonly versionTable: dynamodb.ITable;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Stream records Lambda gave up on (only after the stream's 24-hour retention). */
  readonly streamFailures: sqs.Queue;
  readonly streamFunction: PipelineFunction;
  readonly queueFunction: PipelineFunction;
  /** The reject destination every function writes to (REJECT_DESTINATION). */
  readonly rejects: PipelineRejects;
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: ReplicationPipelineProps = {}) {
    super(scope, id);
    const fifo = props.fifo ?? true;
    const key = props.key ?? { partitionKey: { name: "id", type: dynamodb.AttributeType.STRING } };
    this.sourceTable =
      props.sourceTable ??
      asITable(
        new dynamodb.Table(this, "Source", {
          ...key,
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    this.replicaTable =
      props.replicaTable ??
      asITable(
        new dynamodb.Table(this, "Replica", {
          ...key,
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    // On a FIFO queue too: a dead-lettered message stops holding back its group, so once
    // redriven it comes after newer changes of its item (docs/guarantees.md).
    this.versionTable = props.versionTable ?? versionTable(this, "Versions");

    const timeout = props.functions?.timeout ?? DEFAULT_TIMEOUT;
    const queues = queueWithDlq(this, "Changes", {
      fifo,
      consumerTimeout: timeout,
      ...(props.maxReceiveCount === undefined ? {} : { maxReceiveCount: props.maxReceiveCount }),
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.streamFailures = failureQueue(this, "StreamFailures");

    const at = locationOf(this);
    const sourceStreamArn = streamArnOf(this.sourceTable, "sourceTable");
    this.streamFunction = new PipelineFunction(this, "StreamToQueue", {
      ...props.functions,
      entryPoint: "streamToQueue",
      environment: { QUEUE_URL: this.queue.queueUrl },
      permissions: streamToQueuePermissions({
        ...at,
        queueName: this.queue.queueName,
        ...keyArnOf("queueKeyArn", this.queue.encryptionMasterKey),
        sourceStreamArn,
        ...keyArnOf("sourceStreamKeyArn", this.sourceTable.encryptionKey),
      }),
    });
    streamSource(this.streamFunction.function, "SourceStream", {
      bisectBatchOnError: true,
      ...props.stream,
      eventSourceArn: sourceStreamArn,
      onFailure: this.streamFailures,
    });

    this.queueFunction = new PipelineFunction(this, "QueueToTable", {
      ...props.functions,
      entryPoint: "queueToTable",
      environment: {
        TABLE_NAME: this.replicaTable.tableName,
        VERSION_TABLE: this.versionTable.tableName,
      },
      permissions: queueToTablePermissions({
        ...at,
        tableName: this.replicaTable.tableName,
        ...keyArnOf("tableKeyArn", this.replicaTable.encryptionKey),
        queueName: this.queue.queueName,
        ...keyArnOf("queueKeyArn", this.queue.encryptionMasterKey),
        versionTable: this.versionTable.tableName,
        ...keyArnOf("versionTableKeyArn", this.versionTable.encryptionKey),
      }),
    });
    this.rejects = pipelineRejects(this, props.rejectDestination);
    this.rejects.wire(this.streamFunction.function);
    this.rejects.wire(this.queueFunction.function);
    queueSource(this.queueFunction.function, "Changes", {
      ...props.queueSource,
      queue: this.queue,
    });

    this.alarms = [
      iteratorAgeAlarm(this.streamFunction, this.streamFunction.function),
      dlqDepthAlarm(this, "ChangesDlqAlarm", this.deadLetterQueue),
      dlqDepthAlarm(this, "StreamFailuresAlarm", this.streamFailures),
      this.streamFunction.rejectsAlarm,
      this.queueFunction.rejectsAlarm,
      ...this.rejects.alarms,
    ];
  }
}
