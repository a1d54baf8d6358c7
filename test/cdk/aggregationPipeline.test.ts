import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { AggregationPipeline } from "../../cdk/aggregationPipeline.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import {
  expectEveryMappingReportsFailures,
  expectNoWildcardActions,
  pipelineFunctions,
  stageBundles,
  testStack,
} from "./support.js";

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["streamAggregate"]);
}, 120_000);

const synth = (runtime?: "nodejs24.x") => {
  const stack = testStack();
  const pipeline = new AggregationPipeline(stack, "Totals", {
    functions: { bundles, ...(runtime === undefined ? {} : { runtime }) },
  });
  return { pipeline, template: Template.fromStack(stack) };
};

describe("AggregationPipeline", () => {
  it("keys the totals table by the spec's groupBy, with TTL on expiresAt (the markers' expiry)", () => {
    const { template } = synth();
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "order_date", KeyType: "HASH" },
        { AttributeName: "item_number", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "order_id", KeyType: "HASH" }],
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
  });

  it("runs the streamAggregate bundle with TOTALS_TABLE and the spec", () => {
    const { template } = synth();
    expect(pipelineFunctions(template).map((f) => f.Runtime)).toEqual(["nodejs22.x"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Handler: "index.handler",
      Environment: {
        Variables: Match.objectLike({
          TOTALS_TABLE: Match.anyValue(),
          AGGREGATE_SPEC: JSON.stringify(seedAggregateSpec),
        }),
      },
    });
    expect(pipelineFunctions(synth("nodejs24.x").template).map((f) => f.Runtime)).toEqual([
      "nodejs24.x",
    ]);
  });

  it("reads the orders stream from TRIM_HORIZON, forever, bisecting (watermarks and markers make it safe)", () => {
    const { template } = synth();
    expect(expectEveryMappingReportsFailures(template)).toBe(1);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "TRIM_HORIZON",
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: Match.absent(),
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("enables the watermark mode by default: a tumbling window, batches of 1,000, and the mapping's ParallelizationFactor told to the handler", () => {
    const { template } = synth();
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      TumblingWindowInSeconds: 900,
      ParallelizationFactor: 1,
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ PARALLELIZATION_FACTOR: "1" }) },
    });
  });

  it("grants the totals table's five actions and the stream reads, no wildcard action", () => {
    const { template } = synth();
    expectNoWildcardActions(template);
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: "AddToTotalsAndMarkRecords",
            Action: ["dynamodb:UpdateItem", "dynamodb:PutItem"],
          }),
          Match.objectLike({ Sid: "EventSourceReadTableStream" }),
        ]),
      },
    });
  });

  it("alarms on iterator age, the failure queue, rejects and the reject queue's oldest document", () => {
    const { template, pipeline } = synth();
    expect(pipeline.alarms).toHaveLength(4);
    template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
  });
});
