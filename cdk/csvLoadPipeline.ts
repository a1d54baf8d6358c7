/**
 * Seed 004 as one construct: CSV uploaded to a bucket → S3 notification → csvToQueue → SQS (with
 * a dead-letter queue) → queueToTable → table.
 */
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3n from "aws-cdk-lib/aws-s3-notifications";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type CsvSchema, columnType, decodeCsvSchema } from "../domain/csvSchema.js";
import { csvToQueuePermissions, queueToTablePermissions } from "../handlers/lambda/permissions.js";
import { type QueueSourceOptions, queueSource } from "./eventSources.js";
import { asITable, keyArnOf, locationOf } from "./location.js";
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
 * What {@link CsvLoadPipeline} needs; the bucket, queue and table are created unless given.
 * A given bucket, table or reject queue encrypted with a customer managed KMS key brings its key
 * (`encryptionKey`, `encryptionMasterKey`; import the resource with it): each function gets the
 * KMS actions its calls need on that key alone.
 * @example ({ schema: { columns: { campo3: "number" }, key: { partitionKey: "campo1", sortKey: "campo2" } } })
 */
export interface CsvLoadPipelineProps {
  /** Column types and the table's key (CSV_SCHEMA). */
  readonly schema: CsvSchema;
  /** Where CSV files are uploaded (default: a new private, SSL-only bucket). */
  readonly bucket?: s3.IBucket;
  /** Whether the given bucket is versioned (notifications then carry a version id). */
  readonly versioned?: boolean;
  /** Only keys under this prefix are loaded (default all); only keys ending in `.csv`. */
  readonly keyPrefix?: string;
  /** The rows' table (default: a new table keyed by `schema.key`, then required). */
  readonly table?: dynamodb.ITable;
  /**
   * Orders rows by object version whatever the queue delivers (VERSION_TABLE; key `pk` S;
   * default: a new one): a redriven dead letter of an older upload never overwrites a newer one.
   */
  readonly versionTable?: dynamodb.ITable;
  /** Rows per message (ROWS_PER_MESSAGE; default the handler's 25). */
  readonly rowsPerMessage?: number;
  /** Receives before a message goes to the dead-letter queue (default 5). */
  readonly maxReceiveCount?: number;
  /** Where rejected records go (default: a new SQS queue, 14 days; docs/rejects.md). */
  readonly rejectDestination?: RejectDestinationProp;
  readonly queueSource?: QueueSourceOptions;
  readonly functions?: PipelineFunctionOptions;
}

/**
 * CSV rows → items. Settings it fixes: S3 invokes csvToQueue asynchronously (2 retries, events
 * kept 6 hours) with an on-failure queue, so an upload that could not be read is kept, not
 * dropped; the rows queue keeps messages 6× the consumer's timeout invisible and moves a message
 * received 5 times to a dead-letter queue; queueToTable reads 10 messages a batch, reports
 * failures per message and writes through a version table (rows ordered by object version, so
 * `redrive` of the dead-letter queue is safe at any time). No bisection here (SQS has none); re-reading an object re-sends the same
 * rows, and writing a row again is idempotent (same key, same item).
 * @example new CsvLoadPipeline(this, "Uploads", { schema })
 */
export class CsvLoadPipeline extends Construct {
  readonly bucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  /** Orders the rows' writes by object version (VERSION_TABLE). */
  readonly versionTable: dynamodb.ITable;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Upload events csvToQueue failed on after its retries. */
  readonly uploadFailures: sqs.Queue;
  readonly readFunction: PipelineFunction;
  readonly writeFunction: PipelineFunction;
  /** The reject destination every function writes to (REJECT_DESTINATION). */
  readonly rejects: PipelineRejects;
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: CsvLoadPipelineProps) {
    super(scope, id);
    const decoded = decodeCsvSchema(props.schema);
    if (decoded._tag === "Left") throw new RangeError(`schema: ${decoded.left}`);
    const schema = decoded.right;
    const key = schema.key;
    if (props.table === undefined && key === undefined)
      throw new RangeError(
        "schema.key names the new table's key: give it, or pass an existing `table`",
      );
    const attribute = (name: string): dynamodb.Attribute => ({
      name,
      type:
        columnType(schema, name) === "number"
          ? dynamodb.AttributeType.NUMBER
          : dynamodb.AttributeType.STRING,
    });
    this.bucket =
      props.bucket ??
      // Same exactOptionalPropertyTypes mismatch as asITable (Bucket.isWebsite?: boolean).
      (new s3.Bucket(this, "Uploads", {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        removalPolicy: RemovalPolicy.RETAIN,
      }) as unknown as s3.IBucket);
    this.table =
      props.table ??
      asITable(
        new dynamodb.Table(this, "Rows", {
          partitionKey: attribute(key?.partitionKey ?? ""),
          ...(key?.sortKey === undefined ? {} : { sortKey: attribute(key.sortKey) }),
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    // A row carries its object version's S3 sequencer as `seq`: the version table keeps a
    // redriven dead letter of an older upload from overwriting a newer one's rows.
    this.versionTable = props.versionTable ?? versionTable(this, "RowVersions");
    const timeout = props.functions?.timeout ?? DEFAULT_TIMEOUT;
    // FIFO: rows of one object stay in order in their group (the object's key).
    const queues = queueWithDlq(this, "RowsQueue", {
      fifo: true,
      consumerTimeout: timeout,
      ...(props.maxReceiveCount === undefined ? {} : { maxReceiveCount: props.maxReceiveCount }),
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.uploadFailures = failureQueue(this, "UploadFailures");

    const at = locationOf(this);
    this.readFunction = new PipelineFunction(this, "CsvToQueue", {
      ...props.functions,
      entryPoint: "csvToQueue",
      environment: {
        QUEUE_URL: this.queue.queueUrl,
        CSV_SCHEMA: JSON.stringify(schema),
        ...(props.rowsPerMessage === undefined
          ? {}
          : { ROWS_PER_MESSAGE: String(props.rowsPerMessage) }),
      },
      permissions: csvToQueuePermissions({
        ...at,
        bucket: this.bucket.bucketName,
        ...keyArnOf("bucketKeyArn", this.bucket.encryptionKey),
        queueName: this.queue.queueName,
        ...keyArnOf("queueKeyArn", this.queue.encryptionMasterKey),
        ...(props.keyPrefix === undefined ? {} : { keyPrefix: props.keyPrefix }),
        ...(props.versioned === undefined ? {} : { versioned: props.versioned }),
      }),
    });
    this.readFunction.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.uploadFailures),
    });
    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.readFunction.function),
      { ...(props.keyPrefix === undefined ? {} : { prefix: props.keyPrefix }), suffix: ".csv" },
    );

    this.writeFunction = new PipelineFunction(this, "QueueToTable", {
      ...props.functions,
      entryPoint: "queueToTable",
      environment: {
        TABLE_NAME: this.table.tableName,
        VERSION_TABLE: this.versionTable.tableName,
      },
      permissions: queueToTablePermissions({
        ...at,
        tableName: this.table.tableName,
        ...keyArnOf("tableKeyArn", this.table.encryptionKey),
        queueName: this.queue.queueName,
        ...keyArnOf("queueKeyArn", this.queue.encryptionMasterKey),
        versionTable: this.versionTable.tableName,
        ...keyArnOf("versionTableKeyArn", this.versionTable.encryptionKey),
      }),
    });
    this.rejects = pipelineRejects(this, props.rejectDestination);
    this.rejects.wire(this.readFunction.function);
    this.rejects.wire(this.writeFunction.function);
    queueSource(this.writeFunction.function, "Rows", {
      ...props.queueSource,
      queue: this.queue,
    });
    this.alarms = [
      dlqDepthAlarm(this, "RowsDlqAlarm", this.deadLetterQueue),
      dlqDepthAlarm(this, "UploadFailuresAlarm", this.uploadFailures),
      this.readFunction.rejectsAlarm,
      this.writeFunction.rejectsAlarm,
      ...this.rejects.alarms,
    ];
  }
}
