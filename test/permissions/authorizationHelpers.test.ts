import { describe, expect, it } from "vitest";
import type { RecordedCall } from "../support/recordingProxy.js";
import { authorizationsOf, withCustomerKeys } from "./awsAuthorizations.js";
import { actionMatches, resourceMatches } from "./iamPolicy.js";

/**
 * The helpers of the least-privilege test (test/permissions/permissions.aws.test.ts): IAM's
 * matching, the authorizations of recorded calls, and what customer managed keys add to them.
 */

describe("IAM matching (test helper)", () => {
  it("matches actions without regard to case, with wildcards", () => {
    expect(actionMatches("dynamodb:*Item", "dynamodb:PutItem")).toBe(true);
    expect(actionMatches("SQS:sendmessage", "sqs:SendMessage")).toBe(true);
    expect(actionMatches("sqs:Send?", "sqs:SendMessage")).toBe(false);
  });

  it("keeps resource wildcards within an ARN segment, and matches case-sensitively", () => {
    expect(resourceMatches("*", "arn:aws:sqs:us-east-1:1:q")).toBe(true);
    expect(resourceMatches("arn:aws:sqs:*:1:q", "arn:aws:sqs:us-east-1:1:q")).toBe(true);
    expect(resourceMatches("arn:aws:sqs:us-east-1:*", "arn:aws:sqs:us-east-1:1:q")).toBe(false);
    expect(resourceMatches("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y/z")).toBe(true);
    expect(resourceMatches("arn:aws:dynamodb:r:1:table/T", "arn:aws:dynamodb:r:1:table/t")).toBe(
      false,
    );
  });
});

const call = (
  partial: Partial<RecordedCall> & Pick<RecordedCall, "service" | "operation">,
): RecordedCall => ({
  region: "us-east-1",
  target: "",
  method: "POST",
  path: "/",
  request: undefined,
  status: 200,
  response: undefined,
  ...partial,
});

describe("authorizations of recorded calls (test helper)", () => {
  it("maps operations to the IAM actions and resources they need", () => {
    const calls = [
      call({
        service: "dynamodb",
        target: "DynamoDB_20120810",
        operation: "TransactWriteItems",
        request: { TransactItems: [{ Update: { TableName: "t" } }, { Put: { TableName: "m" } }] },
      }),
      call({
        service: "sqs",
        target: "AmazonSQS",
        operation: "SendMessageBatch",
        request: { QueueUrl: "http://h/123/q.fifo" },
      }),
      call({
        service: "s3",
        operation: "GET",
        method: "GET",
        path: "/b/a%20b.csv?versionId=v1",
        status: 404,
        errorCode: "NoSuchVersion",
      }),
      call({ service: "glue", target: "AWSGlue", operation: "GetJobRun", request: {} }),
    ];
    expect(
      authorizationsOf(calls, { account: "9" }).map((a) => `${a.action} ${a.resource}`),
    ).toEqual([
      "dynamodb:UpdateItem arn:aws:dynamodb:us-east-1:9:table/t",
      "dynamodb:PutItem arn:aws:dynamodb:us-east-1:9:table/m",
      "sqs:SendMessage arn:aws:sqs:us-east-1:123:q.fifo",
      "s3:GetObjectVersion arn:aws:s3:::b/a b.csv",
      "s3:ListBucket arn:aws:s3:::b",
      "glue:GetJobRun unmapped",
    ]);
  });

  it("attributes GetRecords to the stream whose iterator it uses", () => {
    const kinesis = (operation: string, request: unknown, response: unknown) =>
      call({ service: "kinesis", target: "Kinesis_20131202", operation, request, response });
    const calls = [
      kinesis("GetShardIterator", { StreamName: "S" }, { ShardIterator: "i1" }),
      kinesis("GetRecords", { ShardIterator: "i1" }, { NextShardIterator: "i2" }),
      kinesis("GetRecords", { ShardIterator: "i2" }, {}),
      kinesis("GetRecords", { ShardIterator: "other" }, {}),
    ];
    expect(authorizationsOf(calls, { account: "9" }).map((a) => a.resource)).toEqual([
      "arn:aws:kinesis:us-east-1:9:stream/S",
      "arn:aws:kinesis:us-east-1:9:stream/S",
      "arn:aws:kinesis:us-east-1:9:stream/S",
      "unmapped",
    ]);
  });
});

describe("customer keys of recorded calls (test helper)", () => {
  it("adds after each call on an encrypted resource the KMS actions AWS documents, on its key", () => {
    const calls = [
      call({
        service: "sqs",
        target: "AmazonSQS",
        operation: "SendMessageBatch",
        request: { QueueUrl: "http://h/9/rows" },
      }),
      call({ service: "s3", operation: "GET", method: "GET", path: "/up/a.csv" }),
      call({ service: "s3", operation: "PUT", method: "PUT", path: "/ops/rejects/x.json" }),
      call({
        service: "dynamodb",
        target: "DynamoDB_20120810",
        operation: "DescribeTable",
        request: { TableName: "t" },
      }),
    ];
    const keys = [
      { resource: "arn:aws:sqs:us-east-1:9:rows", keyArn: "k-rows" },
      { resource: "arn:aws:s3:::up/*", keyArn: "k-up" },
      { resource: "arn:aws:s3:::ops/*", keyArn: "k-ops" },
      { resource: "arn:aws:dynamodb:us-east-1:9:table/t", keyArn: "k-t" },
    ];
    expect(
      withCustomerKeys(authorizationsOf(calls, { account: "9" }), keys).map(
        (a) => `${a.operation} ${a.action} ${a.resource}`,
      ),
    ).toEqual([
      "SendMessageBatch sqs:SendMessage arn:aws:sqs:us-east-1:9:rows",
      "SendMessageBatch kms:GenerateDataKey k-rows",
      "SendMessageBatch kms:Decrypt k-rows",
      "GET s3:GetObject arn:aws:s3:::up/a.csv",
      "GET kms:Decrypt k-up",
      "PUT s3:PutObject arn:aws:s3:::ops/rejects/x.json",
      "PUT kms:GenerateDataKey k-ops",
      "DescribeTable dynamodb:DescribeTable arn:aws:dynamodb:us-east-1:9:table/t",
    ]);
  });
});
