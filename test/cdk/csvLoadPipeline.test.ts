import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { CsvLoadPipeline } from "../../cdk/csvLoadPipeline.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import {
  expectEveryConsumedQueueHasDlq,
  expectEveryMappingReportsFailures,
  expectNoWildcardActions,
  iamStatements,
  pipelineFunctions,
  resourcesOf,
  stageBundles,
  testStack,
} from "./support.js";

const schema: CsvSchema = {
  columns: { campo3: "number", campo4: "boolean" },
  key: { partitionKey: "campo1", sortKey: "campo2" },
};

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["csvToQueue", "queueToTable"]);
}, 120_000);

const synth = () => {
  const stack = testStack();
  new CsvLoadPipeline(stack, "Uploads", { schema, keyPrefix: "csv/", functions: { bundles } });
  return Template.fromStack(stack);
};

describe("CsvLoadPipeline", () => {
  it("keys the table by the schema's key and passes CSV_SCHEMA and QUEUE_URL", () => {
    const template = synth();
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "campo1", KeyType: "HASH" },
        { AttributeName: "campo2", KeyType: "RANGE" },
      ],
    });
    expect(pipelineFunctions(template).map((f) => f.Runtime)).toEqual(["nodejs22.x", "nodejs22.x"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          QUEUE_URL: Match.anyValue(),
          CSV_SCHEMA: JSON.stringify(schema),
        }),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it("orders rows by a version table (VERSION_TABLE): a redriven dead letter of an older object version never overwrites a newer one", () => {
    const template = synth();
    const versions = resourcesOf(template, "AWS::DynamoDB::Table").find(
      ([, t]) =>
        JSON.stringify(t.Properties?.KeySchema) ===
        JSON.stringify([{ AttributeName: "pk", KeyType: "HASH" }]),
    );
    expect(versions, "a version table keyed by pk").toBeDefined();
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "dynamodb-pipelines queueToTable",
      Environment: {
        Variables: Match.objectLike({ VERSION_TABLE: { Ref: versions?.[0] } }),
      },
    });
    const versionGrant = iamStatements(template).find(
      (statement) => (statement as { Sid?: string }).Sid === "WriteVersionItems",
    );
    expect(JSON.stringify(versionGrant)).toContain(`"Ref":"${versions?.[0]}"`);
  });

  it("notifies csvToQueue of .csv objects under the prefix, failures kept in a queue", () => {
    const template = synth();
    template.hasResourceProperties("Custom::S3BucketNotifications", {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ["s3:ObjectCreated:*"],
            Filter: {
              Key: {
                FilterRules: Match.arrayWith([
                  { Name: "suffix", Value: ".csv" },
                  { Name: "prefix", Value: "csv/" },
                ]),
              },
            },
          }),
        ],
      },
    });
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("consumes the rows queue with partial batch responses; the queue has a DLQ", () => {
    const template = synth();
    expect(expectEveryMappingReportsFailures(template)).toBe(1);
    expect(expectEveryConsumedQueueHasDlq(template)).toBe(1);
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 360,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it("grants reads under the prefix, no wildcard action", () => {
    const template = synth();
    expectNoWildcardActions(template);
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: "ReadUploadedObjects", Action: "s3:GetObject" }),
        ]),
      },
    });
  });

  it("refuses a schema CSV_SCHEMA would refuse", () => {
    const stack = testStack();
    expect(
      () =>
        new CsvLoadPipeline(stack, "Bad", {
          schema: { columns: {}, key: { partitionKey: "a", sortKey: "a" } },
          functions: { bundles },
        }),
    ).toThrow(/sortKey must differ/);
  });
});
