/**
 * Seed 002 as one construct: orders table stream → streamAggregate → totals table (TTL on
 * `expiresAt`, the attribute the exactly-once markers expire by).
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type AggregateSpec, seedAggregateSpec } from "../domain/aggregateSpec.js";
import { streamAggregatePermissions } from "../handlers/lambda/permissions.js";
import { iteratorAgeAlarm, type StreamSourceOptions, streamSource } from "./eventSources.js";
import { asITable, keyArnOf, locationOf, streamArnOf } from "./location.js";
import { PipelineFunction, type PipelineFunctionOptions } from "./pipelineFunction.js";
import { dlqDepthAlarm, failureQueue } from "./queues.js";
import {
  type PipelineRejects,
  pipelineRejects,
  type RejectDestinationProp,
} from "./rejectDestination.js";

/**
 * What {@link AggregationPipeline} creates unless given.
 * A given table encrypted with a customer managed KMS key brings its key (`encryptionKey`;
 * import the table with it): the function gets the KMS actions its calls need on that key alone,
 * on the orders table's stream too.
 * @example ({ ordersTable: orders, spec: seedAggregateSpec })
 */
export interface AggregationPipelineProps {
  /** The orders; needs a NEW_AND_OLD_IMAGES stream (default: a new table keyed by `order_id`). */
  readonly ordersTable?: dynamodb.ITable;
  /**
   * The totals (default: a new table keyed by the spec's `groupBy` targets, strings, with TTL on
   * `expiresAt`). A given table must have TTL on `expiresAt`, or markers are kept forever.
   */
  readonly totalsTable?: dynamodb.ITable;
  /** What to sum by what (default the seed's: `quantity` per day of `order_date` and `item_id`). */
  readonly spec?: AggregateSpec;
  /** Scopes the markers when aggregations share a totals table (default: derived from the spec). */
  readonly aggregationId?: string;
  /** Where rejected records go (default: a new SQS queue, 14 days; docs/rejects.md). */
  readonly rejectDestination?: RejectDestinationProp;
  /**
   * The stream's event source mapping. Its `parallelizationFactor` is told to the handler
   * (`PARALLELIZATION_FACTOR`): with 1 and the tumbling window, one conditional write per total.
   * CloudFormation updates the function before the mapping, so LOWERING the factor to 1 on a
   * live stack takes two deployments: first with `watermarks: false`, then without it.
   */
  readonly stream?: StreamSourceOptions;
  /**
   * Tell the handler the mapping's factor (default `true`). `false` leaves
   * `PARALLELIZATION_FACTOR` unset: the handler then writes markers whatever the mapping runs,
   * which is exact under any factor (docs/guarantees.md, "What an operator may change").
   */
  readonly watermarks?: boolean;
  readonly functions?: PipelineFunctionOptions;
}

/**
 * Orders → totals per group, exactly once. Settings it fixes: TRIM_HORIZON, unlimited retries, no
 * record age (a skipped order would be missing from its total forever), partial batch responses
 * (checkpoint at the first unapplied record), and bisect on error ON: safe because a record is
 * applied to a total in the same write that moves the total's watermark past it (or, with a
 * ParallelizationFactor above 1, writes its marker in the same transaction as its `ADD`), so a
 * record retried after a split is recognised and not added twice; a 15-minute tumbling window
 * (invocations then name their shard: watermark mode), batches of up to 1,000 records gathered
 * for up to 5 seconds; an on-failure queue for what outlives the stream's retention.
 * @example new AggregationPipeline(this, "Totals", { ordersTable: orders })
 */
export class AggregationPipeline extends Construct {
  readonly ordersTable: dynamodb.ITable;
  readonly totalsTable: dynamodb.ITable;
  readonly streamFailures: sqs.Queue;
  readonly aggregateFunction: PipelineFunction;
  /** The reject destination every function writes to (REJECT_DESTINATION). */
  readonly rejects: PipelineRejects;
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: AggregationPipelineProps = {}) {
    super(scope, id);
    const spec = props.spec ?? seedAggregateSpec;
    const [pk, sk] = spec.groupBy;
    const string = dynamodb.AttributeType.STRING;
    this.ordersTable =
      props.ordersTable ??
      asITable(
        new dynamodb.Table(this, "Orders", {
          partitionKey: { name: "order_id", type: string },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    this.totalsTable =
      props.totalsTable ??
      asITable(
        new dynamodb.Table(this, "Totals", {
          partitionKey: { name: pk.target, type: string },
          ...(sk === undefined ? {} : { sortKey: { name: sk.target, type: string } }),
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          timeToLiveAttribute: "expiresAt",
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    this.streamFailures = failureQueue(this, "StreamFailures");

    const sourceStreamArn = streamArnOf(this.ordersTable, "ordersTable");
    this.aggregateFunction = new PipelineFunction(this, "StreamAggregate", {
      ...props.functions,
      entryPoint: "streamAggregate",
      environment: {
        TOTALS_TABLE: this.totalsTable.tableName,
        AGGREGATE_SPEC: JSON.stringify(spec),
        ...(props.aggregationId === undefined ? {} : { AGGREGATION_ID: props.aggregationId }),
        // The handler must know the mapping's factor: above 1 (or unset) it keeps per-record
        // markers, only 1 lets it use watermarks.
        ...(props.watermarks === false
          ? {}
          : { PARALLELIZATION_FACTOR: String(props.stream?.parallelizationFactor ?? 1) }),
      },
      permissions: streamAggregatePermissions({
        ...locationOf(this),
        totalsTable: this.totalsTable.tableName,
        ...keyArnOf("totalsTableKeyArn", this.totalsTable.encryptionKey),
        sourceStreamArn,
        ...keyArnOf("sourceStreamKeyArn", this.ordersTable.encryptionKey),
      }),
    });
    this.rejects = pipelineRejects(this, props.rejectDestination);
    this.rejects.wire(this.aggregateFunction.function);
    streamSource(this.aggregateFunction.function, "OrdersStream", {
      bisectBatchOnError: true,
      // Window invocations carry the shard id: each total keeps its watermark per shard
      // (docs/guarantees.md). Batches of up to 1,000 records: one write per distinct total in a
      // batch, so larger batches spend fewer writes (measured in bench/aggregationCost.ts).
      tumblingWindow: Duration.minutes(15),
      batchSize: 1000,
      maxBatchingWindow: Duration.seconds(5),
      ...props.stream,
      eventSourceArn: sourceStreamArn,
      onFailure: this.streamFailures,
    });
    this.alarms = [
      iteratorAgeAlarm(this.aggregateFunction, this.aggregateFunction.function),
      dlqDepthAlarm(this, "StreamFailuresAlarm", this.streamFailures),
      this.aggregateFunction.rejectsAlarm,
      ...this.rejects.alarms,
    ];
  }
}
