import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kinesis from "aws-cdk-lib/aws-kinesis";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { CsvLoadPipeline } from "../../cdk/csvLoadPipeline.js";
import { EventLogPipeline } from "../../cdk/eventLogPipeline.js";
import { asITable } from "../../cdk/location.js";
import { ENTRY_POINTS } from "../../cdk/packageBundle.js";
import type { PipelineFunctionOptions } from "../../cdk/pipelineFunction.js";
import { CONSTRUCTS } from "./customerKeyPipelines.js";
import { fnCaller, onQueue, onTable, roleReport } from "./roleCalls.js";
import { iamStatements, stageBundles, testStack } from "./support.js";

/**
 * Every construct synthesized with a customer managed key on every resource it accepts
 * (test/cdk/customerKeyPipelines.ts): the role of each function (and the Glue job's) must allow
 * every call that function makes, and the KMS actions AWS documents for each call on an
 * encrypted resource (test/support/customerKeys.ts), on exactly the keys of the resources it
 * calls: nothing on another key, nothing on `*`.
 */

let functions: PipelineFunctionOptions = {};
beforeAll(async () => {
  functions = { bundles: await stageBundles(ENTRY_POINTS) };
}, 120_000);

describe.each(CONSTRUCTS)(
  "%s with customer managed keys on everything it accepts",
  (_name, build) => {
    it.each(["queue", "bucket"] as const)(
      "(rejects to a %s) lets each role make every call it makes, and use exactly the keys of what it calls",
      (kind) => {
        const stack = testStack();
        const callers = build(stack, kind, functions);
        const report = roleReport(stack, Template.fromStack(stack), callers);
        // Every call (KMS included) is allowed, and KMS is granted on exactly the keys of what each
        // principal calls: nothing on another resource's key, nothing on `*`.
        expect(report).toEqual(report.map((r) => ({ ...r, denied: [], kmsGranted: r.kmsNeeded })));
      },
    );
  },
);

describe("keys of imported resources, and AWS managed keys", () => {
  const keyArn = (id: string) =>
    `arn:aws:kms:eu-west-1:111122223333:key/${id}-1234-5678-9abc-def012345678`;

  it("uses the key an imported bucket, table or queue is imported with", () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketAttributes(stack, "Uploads", {
      bucketName: "uploads",
      encryptionKey: kms.Key.fromKeyArn(stack, "UploadsKey", keyArn("uploads")),
    });
    const table = dynamodb.Table.fromTableAttributes(stack, "Rows", {
      tableName: "rows",
      encryptionKey: kms.Key.fromKeyArn(stack, "RowsKey", keyArn("rows")),
    });
    const rejects = sqs.Queue.fromQueueAttributes(stack, "Rejects", {
      queueArn: "arn:aws:sqs:eu-west-1:111122223333:ops-rejects",
      keyArn: keyArn("rejects"),
    });
    const p = new CsvLoadPipeline(stack, "P", {
      schema: { columns: {}, key: { partitionKey: "id" } },
      bucket,
      table,
      rejectDestination: rejects,
      functions,
    });
    const toRejects = () => onQueue(rejects, "sqs:SendMessage");
    const callers = [
      fnCaller(
        p.readFunction,
        [
          {
            action: "s3:GetObject",
            resource: bucket.arnForObjects("a.csv"),
            key: bucket.encryptionKey,
          },
          ...onQueue(p.queue, "sqs:SendMessage"),
        ],
        toRejects,
      ),
      fnCaller(
        p.writeFunction,
        [...onTable(table, "dynamodb:BatchWriteItem"), ...onQueue(p.queue, "sqs:ReceiveMessage")],
        toRejects,
      ),
    ];
    const report = roleReport(stack, Template.fromStack(stack), callers);
    expect(report).toEqual(report.map((r) => ({ ...r, denied: [], kmsGranted: r.kmsNeeded })));
    // csvToQueue: the bucket key and the rejects key (2 actions); queueToTable: the table key and the rejects key.
    expect(report.flatMap((r) => r.kmsGranted)).toHaveLength(6);
  });

  it("grants nothing on KMS for AWS managed keys (their key policies already allow the service's callers)", () => {
    const stack = testStack();
    new CsvLoadPipeline(stack, "Csv", {
      schema: { columns: {}, key: { partitionKey: "id" } },
      bucket: new s3.Bucket(stack, "Uploads", {
        encryption: s3.BucketEncryption.KMS_MANAGED,
      }) as unknown as s3.IBucket,
      table: asITable(
        new dynamodb.Table(stack, "Rows", {
          partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
          encryption: dynamodb.TableEncryption.AWS_MANAGED,
        }),
      ),
      rejectDestination: new sqs.Queue(stack, "Rejects", {
        encryption: sqs.QueueEncryption.KMS_MANAGED,
      }),
      functions,
    });
    new EventLogPipeline(stack, "Events", {
      stream: new kinesis.Stream(stack, "Stream", {
        encryption: kinesis.StreamEncryption.MANAGED,
      }),
      rejectDestination: sqs.Queue.fromQueueAttributes(stack, "Imported", {
        queueArn: "arn:aws:sqs:eu-west-1:123456789012:ops",
        keyArn: "arn:aws:kms:eu-west-1:123456789012:alias/aws/sqs",
      }),
      functions,
    });
    const actions = iamStatements(Template.fromStack(stack)).flatMap((s) =>
      typeof s.Action === "string" ? [s.Action] : [...s.Action],
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.startsWith("kms:"))).toEqual([]);
  });
});
