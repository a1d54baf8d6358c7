import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { EventLogPipeline } from "../../cdk/eventLogPipeline.js";
import {
  expectEveryMappingReportsFailures,
  expectNoWildcardActions,
  pipelineFunctions,
  stageBundles,
  testStack,
} from "./support.js";

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["kinesisToTable"]);
}, 120_000);

const synth = () => {
  const stack = testStack();
  new EventLogPipeline(stack, "Events", { functions: { bundles, runtime: "nodejs24.x" } });
  return Template.fromStack(stack);
};

describe("EventLogPipeline", () => {
  it("creates the stream and the eventId-keyed table, and runs kinesisToTable with TABLE_NAME", () => {
    const template = synth();
    template.resourceCountIs("AWS::Kinesis::Stream", 1);
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [{ AttributeName: "eventId", KeyType: "HASH" }],
    });
    expect(pipelineFunctions(template).map((f) => f.Runtime)).toEqual(["nodejs24.x"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue() }) },
    });
  });

  it("reads Kinesis from TRIM_HORIZON, forever, bisecting, with an on-failure queue", () => {
    const template = synth();
    expectEveryMappingReportsFailures(template);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "TRIM_HORIZON",
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: Match.absent(),
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("grants the Kinesis reads on the stream and writes on the table, no wildcard action", () => {
    const template = synth();
    expectNoWildcardActions(template);
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: "WriteEventLog" }),
          Match.objectLike({ Sid: "EventSourceReadKinesisStream" }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "IteratorAge" });
  });
});
