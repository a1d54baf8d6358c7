import type { Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { AggregationPipeline } from "../../cdk/aggregationPipeline.js";
import { CsvLoadPipeline } from "../../cdk/csvLoadPipeline.js";
import { EventLogPipeline } from "../../cdk/eventLogPipeline.js";
import { GlueCopyPipeline } from "../../cdk/glueCopyPipeline.js";
import { ENTRY_POINTS } from "../../cdk/packageBundle.js";
import type { PipelineFunctionOptions } from "../../cdk/pipelineFunction.js";
import type { RejectDestinationProp } from "../../cdk/rejectDestination.js";
import { ReplicationPipeline } from "../../cdk/replicationPipeline.js";
import { expectNoWildcardActions, resourcesOf, stageBundles, testStack } from "./support.js";

/**
 * Every construct gives each of its functions a REJECT_DESTINATION (docs/rejects.md) and the
 * one statement `rejectDestinationPermissions` names for it: a queue created here by default,
 * or the queue or bucket prefix the user gives.
 */

let functions: PipelineFunctionOptions = {};
beforeAll(async () => {
  const bundles = await stageBundles(ENTRY_POINTS);
  functions = { bundles };
}, 120_000);

type Build = (stack: Stack, rejectDestination?: RejectDestinationProp) => void;
const opt = (rejectDestination?: RejectDestinationProp) =>
  rejectDestination === undefined ? {} : { rejectDestination };

/** Each construct with its number of functions. */
const CONSTRUCTS: ReadonlyArray<[string, number, Build]> = [
  ["ReplicationPipeline", 2, (s, r) => new ReplicationPipeline(s, "P", { functions, ...opt(r) })],
  [
    "GlueCopyPipeline",
    1,
    (s, r) =>
      new GlueCopyPipeline(s, "P", {
        mappings: [["id", "string", "id", "string"]],
        functions,
        ...opt(r),
      }),
  ],
  ["AggregationPipeline", 1, (s, r) => new AggregationPipeline(s, "P", { functions, ...opt(r) })],
  ["EventLogPipeline", 1, (s, r) => new EventLogPipeline(s, "P", { functions, ...opt(r) })],
  [
    "CsvLoadPipeline",
    2,
    (s, r) =>
      new CsvLoadPipeline(s, "P", {
        schema: { columns: {}, key: { partitionKey: "campo1" } },
        functions,
        ...opt(r),
      }),
  ],
];

interface Wiring {
  readonly destination: unknown;
  readonly rejectStatements: ReadonlyArray<Record<string, unknown>>;
}

/** Per pipeline function: its REJECT_DESTINATION and its role's reject statements. */
const wiring = (template: Template): ReadonlyArray<Wiring> => {
  const policies = resourcesOf(template, "AWS::IAM::Policy").map(([, r]) => r.Properties ?? {});
  return resourcesOf(template, "AWS::Lambda::Function")
    .map(([, r]) => r.Properties ?? {})
    .filter((p) => /dynamodb-pipelines/.test(String(p.Description)))
    .map((p) => {
      const role = (p.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
      const statements = policies
        .filter((policy) => JSON.stringify(policy.Roles) === JSON.stringify([{ Ref: role }]))
        .flatMap(
          (policy) => (policy.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
        );
      const variables = (p.Environment as { Variables: Record<string, unknown> }).Variables;
      return {
        destination: variables.REJECT_DESTINATION,
        rejectStatements: statements.filter((s) => /Rejects$/.test(String(s.Sid))),
      };
    });
};

const partition = { Ref: "AWS::Partition" };

describe.each(CONSTRUCTS)("%s's reject destination", (_name, functionCount, build) => {
  it("by default: a 14-day encrypted standard queue, REJECT_DESTINATION = its URL on every function, sqs:SendMessage on it alone", () => {
    const stack = testStack();
    build(stack);
    const template = Template.fromStack(stack);
    const created = Object.keys(
      template.findResources("AWS::SQS::Queue", {
        Properties: Match.objectLike({ MaximumMessageSize: 1_048_576 }),
      }),
    );
    expect(created).toHaveLength(1);
    const queueId = created[0] ?? "";
    expect(queueId).toMatch(/Rejects/);
    template.hasResourceProperties("AWS::SQS::Queue", {
      MaximumMessageSize: 1_048_576,
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      FifoQueue: Match.absent(),
    });
    const wired = wiring(template);
    expect(wired).toHaveLength(functionCount);
    for (const w of wired) {
      expect(w.destination).toEqual({ Ref: queueId });
      expect(w.rejectStatements).toEqual([
        {
          Sid: "SendRejects",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: {
            "Fn::Join": [
              "",
              [
                "arn:",
                partition,
                ":sqs:eu-west-1:123456789012:",
                { "Fn::GetAtt": [queueId, "QueueName"] },
              ],
            ],
          },
        },
      ]);
    }
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 7 * 24 * 3600,
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [queueId, "QueueName"] } }],
    });
    expectNoWildcardActions(template);
  });

  it("accepts a given queue: no queue of its own, the queue's URL and ARN", () => {
    const stack = testStack();
    const ops = sqs.Queue.fromQueueArn(
      stack,
      "Ops",
      "arn:aws:sqs:eu-west-1:111122223333:ops-rejects",
    );
    build(stack, ops);
    const template = Template.fromStack(stack);
    expect(
      Object.keys(template.findResources("AWS::SQS::Queue")).filter((id) => /Rejects/.test(id)),
    ).toEqual([]);
    const wired = wiring(template);
    expect(wired).toHaveLength(functionCount);
    for (const w of wired) {
      expect(stack.resolve(w.destination)).toEqual(stack.resolve(ops.queueUrl));
      expect(w.rejectStatements).toEqual([
        {
          Sid: "SendRejects",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: {
            "Fn::Join": ["", ["arn:", partition, ":sqs:eu-west-1:111122223333:ops-rejects"]],
          },
        },
      ]);
    }
  });

  it("accepts a given bucket and prefix: s3://bucket/prefix, s3:PutObject on bucket/prefix* only", () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, "OpsBucket", "ops-bucket");
    build(stack, { bucket, prefix: "rejects/" });
    const template = Template.fromStack(stack);
    const wired = wiring(template);
    expect(wired).toHaveLength(functionCount);
    for (const w of wired) {
      expect(w.destination).toBe("s3://ops-bucket/rejects/");
      expect(w.rejectStatements).toEqual([
        {
          Sid: "StoreRejects",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: { "Fn::Join": ["", ["arn:", partition, ":s3:::ops-bucket/rejects/*"]] },
        },
      ]);
    }
    expectNoWildcardActions(template);
  });

  it("refuses a prefix holding a wildcard, as rejectDestinationPermissions does", () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, "OpsBucket", "ops-bucket");
    expect(() => build(stack, { bucket, prefix: "rejects/*" })).toThrow(/must not hold \* or \?/);
  });
});
