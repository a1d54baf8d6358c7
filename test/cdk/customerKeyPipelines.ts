/**
 * Each construct built with a customer managed key on every resource it accepts (tables and
 * their streams, the Kinesis stream, the uploads bucket, the reject queue or bucket), and the
 * calls each of its principals makes (the entry points' calls as README's tables list them, the
 * event source's, the on-failure destinations', the rejects'), for test/cdk/customerKeys.test.ts.
 */
import type { Stack } from "aws-cdk-lib";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AggregationPipeline } from "../../cdk/aggregationPipeline.js";
import { CsvLoadPipeline } from "../../cdk/csvLoadPipeline.js";
import { EventLogPipeline } from "../../cdk/eventLogPipeline.js";
import { GlueCopyPipeline } from "../../cdk/glueCopyPipeline.js";
import type { PipelineFunctionOptions } from "../../cdk/pipelineFunction.js";
import { ReplicationPipeline } from "../../cdk/replicationPipeline.js";
import { key, type Rejects, rejectsOf, userTable } from "./keyedResources.js";
import { type Call, type Caller, fnCaller, onQueue, onTable, reads } from "./roleCalls.js";

/**
 * Each construct, built with keys on everything it accepts, and its callers.
 * @example for (const [name, build] of CONSTRUCTS) roleReport(stack, template, build(stack, "queue", functions))
 */
export const CONSTRUCTS: ReadonlyArray<
  [string, (stack: Stack, rejects: Rejects, functions: PipelineFunctionOptions) => Caller[]]
> = [
  [
    "ReplicationPipeline",
    (stack, kind, functions) => {
      const rejects = rejectsOf(stack, kind);
      const sourceTable = userTable(stack, "Users", { stream: true });
      const replicaTable = userTable(stack, "UsersCopy", {});
      const versionTable = userTable(stack, "Versions", {});
      const p = new ReplicationPipeline(stack, "P", {
        sourceTable,
        replicaTable,
        fifo: false,
        versionTable,
        rejectDestination: rejects.prop,
        functions,
      });
      return [
        fnCaller(
          p.streamFunction,
          [
            ...onQueue(p.queue, "sqs:SendMessage"),
            ...reads(sourceTable),
            ...onQueue(p.streamFailures, "sqs:SendMessage"),
          ],
          rejects.call,
        ),
        fnCaller(
          p.queueFunction,
          [
            ...onTable(replicaTable, "dynamodb:DescribeTable", "dynamodb:BatchWriteItem"),
            ...onTable(replicaTable, "dynamodb:PutItem", "dynamodb:DeleteItem"),
            ...onTable(versionTable, "dynamodb:PutItem"),
            ...onQueue(
              p.queue,
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:GetQueueAttributes",
            ),
          ],
          rejects.call,
        ),
      ];
    },
  ],
  [
    "GlueCopyPipeline",
    (stack, kind, functions) => {
      const rejects = rejectsOf(stack, kind);
      const sourceTable = userTable(stack, "Payments", { stream: true, tableName: "api-pagos" });
      const targetTable = userTable(stack, "Backup", { tableName: "api-pos-backup" });
      const p = new GlueCopyPipeline(stack, "P", {
        mappings: [["id", "string", "id", "string"]],
        sourceTable,
        targetTable,
        rejectDestination: rejects.prop,
        functions,
      });
      const job = `arn:aws:glue:eu-west-1:123456789012:job/${p.job.ref}`;
      return [
        fnCaller(
          p.startFunction,
          [
            { action: "glue:StartJobRun", resource: job },
            ...reads(sourceTable),
            ...onQueue(p.streamFailures, "sqs:SendMessage"),
          ],
          rejects.call,
        ),
        {
          name: p.job.node.path,
          role: p.jobRole,
          calls: [
            ...onTable(sourceTable, "dynamodb:DescribeTable", "dynamodb:Scan"),
            ...onTable(targetTable, "dynamodb:DescribeTable", "dynamodb:BatchWriteItem"),
          ],
        },
      ];
    },
  ],
  [
    "AggregationPipeline",
    (stack, kind, functions) => {
      const rejects = rejectsOf(stack, kind);
      const ordersTable = userTable(stack, "Orders", { stream: true });
      const totalsTable = userTable(stack, "Totals", {});
      const p = new AggregationPipeline(stack, "P", {
        ordersTable,
        totalsTable,
        rejectDestination: rejects.prop,
        functions,
      });
      return [
        fnCaller(
          p.aggregateFunction,
          [
            ...onTable(
              totalsTable,
              "dynamodb:UpdateItem",
              "dynamodb:PutItem",
              "dynamodb:DescribeTable",
              "dynamodb:GetItem",
            ),
            ...reads(ordersTable),
            ...onQueue(p.streamFailures, "sqs:SendMessage"),
          ],
          rejects.call,
        ),
      ];
    },
  ],
  [
    "EventLogPipeline",
    (stack, kind, functions) => {
      const rejects = rejectsOf(stack, kind);
      const stream = new kinesis.Stream(stack, "Sensors", {
        encryption: kinesis.StreamEncryption.KMS,
        encryptionKey: key(stack, "Sensors"),
      });
      const table = userTable(stack, "SensorLog", {});
      const p = new EventLogPipeline(stack, "P", {
        stream,
        table,
        rejectDestination: rejects.prop,
        functions,
      });
      const onStream = (...actions: string[]): Call[] =>
        actions.map((action) => ({
          action,
          resource: stream.streamArn,
          key: stream.encryptionKey,
        }));
      return [
        fnCaller(
          p.logFunction,
          [
            ...onTable(table, "dynamodb:DescribeTable", "dynamodb:BatchWriteItem"),
            ...onStream(
              "kinesis:DescribeStream",
              "kinesis:DescribeStreamSummary",
              "kinesis:GetRecords",
              "kinesis:GetShardIterator",
              "kinesis:ListShards",
            ),
            { action: "kinesis:ListStreams", resource: "*" },
            ...onQueue(p.streamFailures, "sqs:SendMessage"),
          ],
          rejects.call,
        ),
      ];
    },
  ],
  [
    "CsvLoadPipeline",
    (stack, kind, functions) => {
      const rejects = rejectsOf(stack, kind);
      const bucket = new s3.Bucket(stack, "Uploads", {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key(stack, "Uploads"),
      });
      const table = userTable(stack, "Rows", {});
      const p = new CsvLoadPipeline(stack, "P", {
        schema: { columns: {}, key: { partitionKey: "id" } },
        // Same exactOptionalPropertyTypes mismatch as cdk/csvLoadPipeline.ts (Bucket.isWebsite).
        bucket: bucket as unknown as s3.IBucket,
        keyPrefix: "csv/",
        table,
        rejectDestination: rejects.prop,
        functions,
      });
      return [
        fnCaller(
          p.readFunction,
          [
            {
              action: "s3:GetObject",
              resource: bucket.arnForObjects("csv/pedidos.csv"),
              key: bucket.encryptionKey,
            },
            { action: "s3:ListBucket", resource: bucket.bucketArn },
            ...onQueue(p.queue, "sqs:SendMessage"),
            ...onQueue(p.uploadFailures, "sqs:SendMessage"),
          ],
          rejects.call,
        ),
        fnCaller(
          p.writeFunction,
          [
            ...onTable(table, "dynamodb:DescribeTable", "dynamodb:BatchWriteItem"),
            ...onQueue(
              p.queue,
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:GetQueueAttributes",
            ),
          ],
          rejects.call,
        ),
      ];
    },
  ],
];
