/**
 * The five seed pipelines in one CDK app, with the seeds' names. A user's app imports the
 * constructs from `dynamodb-pipelines/cdk`; this one imports the same module from the source
 * tree so it type-checks before the package is built.
 */
import { App, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import {
  AggregationPipeline,
  CsvLoadPipeline,
  EventLogPipeline,
  GlueCopyPipeline,
  type PipelineFunctionOptions,
  ReplicationPipeline,
} from "../../cdk/index.js";

/**
 * Where the app writes its cloud assembly, and (for tests) where the bundles are.
 * @example ({ outdir: "examples/cdk/cdk.out" })
 */
export interface SeedAppOptions {
  readonly outdir: string;
  readonly functions?: PipelineFunctionOptions;
}

const string = dynamodb.AttributeType.STRING;

/** A table of the seeds, by name (retained when the stack is deleted). */
const seedTable = (
  stack: Stack,
  tableName: string,
  key: { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute },
  stream = false,
): dynamodb.ITable =>
  new dynamodb.Table(stack, tableName, {
    tableName,
    ...key,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    ...(stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  }) as unknown as dynamodb.ITable;

/**
 * The app: one stack, `DynamoDbPipelinesSeeds`, environment-agnostic (no account needed to
 * synthesize).
 * @example seedApp({ outdir: "cdk.out" }).synth()
 */
export const seedApp = (options: SeedAppOptions): App => {
  const app = new App({ outdir: options.outdir });
  const stack = new Stack(app, "DynamoDbPipelinesSeeds");
  const functions = options.functions ?? {};

  // 000: a source table → SQS FIFO → replica.
  new ReplicationPipeline(stack, "Replication", {
    sourceTable: seedTable(stack, "source", { partitionKey: { name: "id", type: string } }, true),
    replicaTable: seedTable(stack, "replica", { partitionKey: { name: "id", type: string } }),
    functions,
  });

  // 001: api-pagos → api-pos-backup through a Glue job.
  new GlueCopyPipeline(stack, "GlueCopy", {
    sourceTable: seedTable(
      stack,
      "api-pagos",
      { partitionKey: { name: "id", type: string } },
      true,
    ),
    targetTable: seedTable(stack, "api-pos-backup", { partitionKey: { name: "id", type: string } }),
    mappings: [
      ["id", "string", "id", "string"],
      ["amount", "decimal", "amount", "decimal"],
      ["status", "string", "state", "string"],
      ["address.city", "string", "city", "string"],
    ],
    functions,
  });

  // 002: orders → totals per (day, item).
  new AggregationPipeline(stack, "Aggregation", {
    ordersTable: seedTable(
      stack,
      "orders",
      { partitionKey: { name: "order_id", type: string } },
      true,
    ),
    functions,
  });

  // 003: the EventStream Kinesis stream → EventLogs.
  new EventLogPipeline(stack, "EventLog", {
    stream: new kinesis.Stream(stack, "EventStream", {
      streamName: "EventStream",
      streamMode: kinesis.StreamMode.ON_DEMAND,
      encryption: kinesis.StreamEncryption.MANAGED,
    }),
    table: seedTable(stack, "EventLogs", { partitionKey: { name: "eventId", type: string } }),
    functions,
  });

  // 004: CSV files uploaded to a bucket → SQS (with a DLQ) → a campo1/campo2 table.
  new CsvLoadPipeline(stack, "CsvLoad", {
    schema: {
      columns: { campo3: "number", campo4: "boolean" },
      key: { partitionKey: "campo1", sortKey: "campo2" },
    },
    table: seedTable(stack, "items", {
      partitionKey: { name: "campo1", type: string },
      sortKey: { name: "campo2", type: string },
    }),
    functions,
  });
  return app;
};
