/**
 * Seed 003 as one construct: Kinesis stream → kinesisToTable → event-log table.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { kinesisToTablePermissions } from "../handlers/lambda/permissions.js";
import { iteratorAgeAlarm, type StreamSourceOptions, streamSource } from "./eventSources.js";
import { asITable, keyArnOf, locationOf } from "./location.js";
import { PipelineFunction, type PipelineFunctionOptions } from "./pipelineFunction.js";
import { dlqDepthAlarm, failureQueue } from "./queues.js";
import {
  type PipelineRejects,
  pipelineRejects,
  type RejectDestinationProp,
} from "./rejectDestination.js";

/**
 * What {@link EventLogPipeline} creates unless given.
 * A given stream, table or reject queue encrypted with a customer managed KMS key brings its key
 * (`encryptionKey`, `encryptionMasterKey`; import the resource with it): the function gets the
 * KMS actions its calls need on that key alone.
 * @example ({ stream: kinesis.Stream.fromStreamArn(this, "S", arn) })
 */
export interface EventLogPipelineProps {
  /** The Kinesis stream (default: a new on-demand stream, SSE with the AWS-managed key). */
  readonly stream?: kinesis.IStream;
  /** The event log (default: a new table keyed by `eventId`, string). */
  readonly table?: dynamodb.ITable;
  /** Where rejected records go (default: a new SQS queue, 14 days; docs/rejects.md). */
  readonly rejectDestination?: RejectDestinationProp;
  readonly source?: StreamSourceOptions;
  readonly functions?: PipelineFunctionOptions;
}

/**
 * Kinesis records → one item each. Settings it fixes: TRIM_HORIZON, unlimited retries, no record
 * age (Kinesis keeps records 24 hours by default: a limit would drop events sooner), partial
 * batch responses, and bisect on error ON: safe because each event is written under its own
 * `eventId` (the record's eventID, `shardId:sequenceNumber`), so an event written again after a split overwrites
 * itself with the same item. An on-failure queue keeps what outlives the retention.
 * @example new EventLogPipeline(this, "Events")
 */
export class EventLogPipeline extends Construct {
  readonly stream: kinesis.IStream;
  readonly table: dynamodb.ITable;
  readonly streamFailures: sqs.Queue;
  readonly logFunction: PipelineFunction;
  /** The reject destination every function writes to (REJECT_DESTINATION). */
  readonly rejects: PipelineRejects;
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: EventLogPipelineProps = {}) {
    super(scope, id);
    this.stream =
      props.stream ??
      new kinesis.Stream(this, "Stream", {
        streamMode: kinesis.StreamMode.ON_DEMAND,
        encryption: kinesis.StreamEncryption.MANAGED,
      });
    this.table =
      props.table ??
      asITable(
        new dynamodb.Table(this, "EventLogs", {
          partitionKey: { name: "eventId", type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    this.streamFailures = failureQueue(this, "StreamFailures");
    this.logFunction = new PipelineFunction(this, "KinesisToTable", {
      ...props.functions,
      entryPoint: "kinesisToTable",
      environment: { TABLE_NAME: this.table.tableName },
      permissions: kinesisToTablePermissions({
        ...locationOf(this),
        tableName: this.table.tableName,
        ...keyArnOf("tableKeyArn", this.table.encryptionKey),
        sourceStreamName: this.stream.streamName,
        ...keyArnOf("sourceStreamKeyArn", this.stream.encryptionKey),
      }),
    });
    this.rejects = pipelineRejects(this, props.rejectDestination);
    this.rejects.wire(this.logFunction.function);
    streamSource(this.logFunction.function, "Events", {
      bisectBatchOnError: true,
      ...props.source,
      eventSourceArn: this.stream.streamArn,
      onFailure: this.streamFailures,
    });
    this.alarms = [
      iteratorAgeAlarm(this.logFunction, this.logFunction.function),
      dlqDepthAlarm(this, "StreamFailuresAlarm", this.streamFailures),
      this.logFunction.rejectsAlarm,
      ...this.rejects.alarms,
    ];
  }
}
