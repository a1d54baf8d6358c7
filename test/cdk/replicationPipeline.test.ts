import { Duration } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { ReplicationPipeline } from "../../cdk/replicationPipeline.js";
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

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["streamToQueue", "queueToTable"]);
}, 120_000);

const synth = (props: ConstructorParameters<typeof ReplicationPipeline>[2] = {}) => {
  const stack = testStack();
  const pipeline = new ReplicationPipeline(stack, "Users", {
    ...props,
    functions: { ...props.functions, bundles },
  });
  return { stack, pipeline, template: Template.fromStack(stack) };
};

describe("ReplicationPipeline", () => {
  it("deploys both bundles on nodejs22.x with index.handler and the queue and table names", () => {
    const { template } = synth();
    const functions = pipelineFunctions(template);
    expect(functions.map((f) => f.Runtime)).toEqual(["nodejs22.x", "nodejs22.x"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "dynamodb-pipelines streamToQueue",
      Environment: { Variables: Match.objectLike({ QUEUE_URL: Match.anyValue() }) },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "dynamodb-pipelines queueToTable",
      Environment: {
        Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }),
      },
    });
  });

  it("runs on nodejs24.x when asked", () => {
    const { template } = synth({ functions: { runtime: "nodejs24.x" } });
    expect(pipelineFunctions(template).map((f) => f.Runtime)).toEqual(["nodejs24.x", "nodejs24.x"]);
  });

  it("reads the stream from TRIM_HORIZON, retrying forever, bisecting, with an on-failure queue", () => {
    const { template } = synth();
    expectEveryMappingReportsFailures(template);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "TRIM_HORIZON",
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: Match.absent(),
      BisectBatchOnFunctionError: true,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("consumes a FIFO queue 10 messages at a time, with a DLQ and 6× the function's timeout", () => {
    const { template } = synth({ functions: { timeout: Duration.seconds(20) } });
    expect(expectEveryConsumedQueueHasDlq(template)).toBe(1);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: 10,
      StartingPosition: Match.absent(),
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      FifoQueue: true,
      VisibilityTimeout: 120,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it("on its FIFO queue too, orders writes by a version table: a redriven dead letter never overwrites a newer change", () => {
    const { template, pipeline } = synth();
    expect(pipeline.versionTable).toBeDefined();
    const tables = resourcesOf(template, "AWS::DynamoDB::Table");
    const versions = tables.find(
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
    for (const [, q] of resourcesOf(template, "AWS::SQS::Queue").filter(
      ([, q]) => q.Properties?.RedrivePolicy !== undefined,
    ))
      expect(q.Properties?.FifoQueue).toBe(true);
  });

  it("with a standard queue, guards writes with a version table (TTL on expiresAt)", () => {
    const { template } = synth({ fifo: false });
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: "dynamodb-pipelines queueToTable",
      Environment: { Variables: Match.objectLike({ VERSION_TABLE: Match.anyValue() }) },
    });
    for (const [, q] of resourcesOf(template, "AWS::SQS::Queue"))
      expect(q.Properties?.FifoQueue).toBeUndefined();
  });

  it("grants only the entry points' statements: no wildcard action", () => {
    const { template } = synth({ fifo: false });
    expectNoWildcardActions(template);
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: "SendChangesToQueue", Action: "sqs:SendMessage" }),
        ]),
      },
    });
  });

  it("uses a given source table, and refuses one without a stream", () => {
    const stack = testStack();
    const users = new dynamodb.Table(stack, "Given", {
      partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const pipeline = new ReplicationPipeline(stack, "Users", {
      sourceTable: users as unknown as dynamodb.ITable,
      functions: { bundles },
    });
    expect(pipeline.sourceTable).toBe(users);
    // The given source, the replica and the version table.
    expect(resourcesOf(Template.fromStack(stack), "AWS::DynamoDB::Table")).toHaveLength(3);
    const plain = dynamodb.Table.fromTableName(stack, "NoStream", "plain");
    expect(
      () => new ReplicationPipeline(stack, "Plain", { sourceTable: plain, functions: { bundles } }),
    ).toThrow(/sourceTable has no stream/);
  });

  it("alarms on iterator age, both dead-letter queues, rejects and the reject queue's oldest document", () => {
    const { template, pipeline } = synth();
    expect(pipeline.alarms).toHaveLength(6);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "IteratorAge" });
    // The rejects alarms watch the handlers' own EMF metric (docs/metrics.md), no log filter.
    expect(resourcesOf(template, "AWS::Logs::MetricFilter")).toEqual([]);
    for (const fn of [pipeline.streamFunction, pipeline.queueFunction])
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "dynamodb-pipelines",
        MetricName: "Rejected",
        Dimensions: Match.arrayWith([
          { Name: "Pipeline", Value: fn.entryPoint },
          { Name: "service", Value: fn.serviceName },
        ]),
      });
  });
});
