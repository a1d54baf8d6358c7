import { describe, expect, it } from "vitest";
import * as csvToQueue from "../../handlers/csvToQueue.js";
import * as kinesisToTable from "../../handlers/kinesisToTable.js";
import {
  csvToQueuePermissions,
  type EntryPointPermissions,
  kinesisToTablePermissions,
  policyDocument,
  queueToTablePermissions,
  streamAggregatePermissions,
  streamToGluePermissions,
  streamToQueuePermissions,
} from "../../handlers/lambda/permissions.js";
import * as queueToTable from "../../handlers/queueToTable.js";
import * as streamAggregate from "../../handlers/streamAggregate.js";
import * as streamToGlue from "../../handlers/streamToGlue.js";
import * as streamToQueue from "../../handlers/streamToQueue.js";
import { kmsActionsOf } from "../support/customerKeys.js";
import type { RecordedCall } from "../support/recordingProxy.js";
import { authorizationsOf, withCustomerKeys } from "./awsAuthorizations.js";
import { actionMatches, isAllowed, resourceMatches } from "./iamPolicy.js";

const at = { region: "eu-west-1", account: "111122223333" } as const;
const streamArn =
  "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2026-01-01T00:00:00.000";

const everyStatement = (p: EntryPointPermissions) => [...p.functionCode, ...p.eventSource];

describe("entry point permissions", () => {
  it("are re-exported by each handler module as `permissions`", () => {
    expect(streamToQueue.permissions).toBe(streamToQueuePermissions);
    expect(queueToTable.permissions).toBe(queueToTablePermissions);
    expect(streamToGlue.permissions).toBe(streamToGluePermissions);
    expect(streamAggregate.permissions).toBe(streamAggregatePermissions);
    expect(kinesisToTable.permissions).toBe(kinesisToTablePermissions);
    expect(csvToQueue.permissions).toBe(csvToQueuePermissions);
  });

  it("name exactly the configured resources, in the configured partition", () => {
    const p = streamAggregatePermissions({ ...at, partition: "aws-cn", totalsTable: "totals" });
    expect(p.functionCode).toEqual([
      {
        Sid: "AddToTotalsAndMarkRecords",
        Effect: "Allow",
        Action: ["dynamodb:UpdateItem", "dynamodb:PutItem"],
        Resource: ["arn:aws-cn:dynamodb:eu-west-1:111122223333:table/totals"],
      },
      {
        Sid: "ReadKeySchemaAndMarkers",
        Effect: "Allow",
        Action: ["dynamodb:DescribeTable", "dynamodb:GetItem"],
        Resource: ["arn:aws-cn:dynamodb:eu-west-1:111122223333:table/totals"],
      },
    ]);
    expect(p.eventSource).toEqual([]);
    expect(streamToGluePermissions({ ...at, jobName: "copy" }).functionCode[0]?.Resource).toEqual([
      "arn:aws:glue:eu-west-1:111122223333:job/copy",
    ]);
  });

  it("grant the event source only the given trigger, apart from the code's grants", () => {
    const p = streamToQueuePermissions({ ...at, queueName: "r.fifo", sourceStreamArn: streamArn });
    expect(p.functionCode.flatMap((s) => s.Action)).toEqual(["sqs:SendMessage"]);
    expect(p.eventSource).toEqual([
      expect.objectContaining({
        Action: [
          "dynamodb:DescribeStream",
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:ListStreams",
        ],
        Resource: [streamArn],
      }),
    ]);
    const sqs = queueToTablePermissions({ ...at, tableName: "replica", queueName: "in" });
    expect(sqs.eventSource[0]?.Resource).toEqual(["arn:aws:sqs:eu-west-1:111122223333:in"]);
    const kinesis = kinesisToTablePermissions({ ...at, tableName: "Log", sourceStreamName: "S" });
    expect(kinesis.eventSource.map((s) => s.Resource)).toEqual([
      ["arn:aws:kinesis:eu-west-1:111122223333:stream/S"],
      ["*"],
    ]);
  });

  it("add the guarded writes only with a version table", () => {
    const plain = queueToTablePermissions({ ...at, tableName: "replica" });
    const guarded = queueToTablePermissions({ ...at, tableName: "replica", versionTable: "v" });
    expect(plain.functionCode.flatMap((s) => s.Action)).toEqual([
      "dynamodb:DescribeTable",
      "dynamodb:BatchWriteItem",
    ]);
    expect(
      isAllowed(
        guarded.functionCode,
        "dynamodb:PutItem",
        `arn:aws:dynamodb:eu-west-1:111122223333:table/v`,
      ),
    ).toBe(true);
    expect(
      isAllowed(
        guarded.functionCode,
        "dynamodb:DeleteItem",
        `arn:aws:dynamodb:eu-west-1:111122223333:table/v`,
      ),
    ).toBe(false);
  });

  it("read objects under the prefix only, by version when the bucket is versioned", () => {
    const plain = csvToQueuePermissions({
      ...at,
      bucket: "up",
      keyPrefix: "csv/",
      queueName: "rows",
    });
    const versioned = csvToQueuePermissions({
      ...at,
      bucket: "up",
      queueName: "rows",
      versioned: true,
    });
    expect(isAllowed(plain.functionCode, "s3:GetObject", "arn:aws:s3:::up/csv/a:b.csv")).toBe(true);
    expect(isAllowed(plain.functionCode, "s3:GetObject", "arn:aws:s3:::up/other/a.csv")).toBe(
      false,
    );
    expect(isAllowed(plain.functionCode, "s3:GetObjectVersion", "arn:aws:s3:::up/csv/a.csv")).toBe(
      false,
    );
    expect(isAllowed(versioned.functionCode, "s3:GetObjectVersion", "arn:aws:s3:::up/a.csv")).toBe(
      true,
    );
    expect(isAllowed(versioned.functionCode, "s3:GetObject", "arn:aws:s3:::up/a.csv")).toBe(false);
    expect(plain.eventSource).toEqual([]);
  });

  it("refuse names that would widen a grant, and keep CDK tokens as they are", () => {
    expect(() => queueToTablePermissions({ ...at, tableName: "*" })).toThrow(/tableName/);
    expect(() => streamToGluePermissions({ ...at, jobName: "" })).toThrow(/jobName/);
    expect(() => streamToQueuePermissions({ ...at, account: "1?", queueName: "q" })).toThrow(
      /account/,
    );
    expect(() =>
      csvToQueuePermissions({ ...at, bucket: "b", keyPrefix: "a*", queueName: "q" }),
    ).toThrow(/keyPrefix/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: what a CDK token looks like, literally
    const token = "${Token[AWS.AccountId.7]}";
    expect(
      streamToGluePermissions({ ...at, account: token, jobName: "j" }).functionCode[0]?.Resource,
    ).toEqual([`arn:aws:glue:eu-west-1:${token}:job/j`]);
  });

  it("have unique alphanumeric Sids, and make one policy document", () => {
    const p = csvToQueuePermissions({ ...at, bucket: "b", queueName: "q" });
    for (const all of [
      p,
      queueToTablePermissions({ ...at, tableName: "t", versionTable: "v", queueName: "q" }),
    ]) {
      const sids = everyStatement(all).map((s) => s.Sid);
      expect(sids.every((sid) => /^[A-Za-z0-9]+$/.test(sid))).toBe(true);
      expect(new Set(sids).size).toBe(sids.length);
    }
    expect(policyDocument(p)).toEqual({ Version: "2012-10-17", Statement: p.functionCode });
  });
});

const keyArn = (name: string) => `arn:aws:kms:eu-west-1:111122223333:key/${name}`;
const kmsGrants = (statements: EntryPointPermissions["functionCode"]) =>
  statements.flatMap((s) =>
    s.Action.filter((a) => a.startsWith("kms:")).flatMap((a) => s.Resource.map((r) => `${a} ${r}`)),
  );
/** What AWS documents for `action` on an encrypted resource, as granted pairs. */
const documented = (action: string, key: string) =>
  kmsActionsOf(action).map((kms) => `${kms} ${keyArn(key)}`);

describe("entry point permissions with customer managed keys", () => {
  it("grant, in the half that makes the call, the KMS actions AWS documents for it on that key alone", () => {
    const csv = csvToQueuePermissions({
      ...at,
      bucket: "up",
      bucketKeyArn: keyArn("up"),
      queueName: "rows",
      queueKeyArn: keyArn("rows"),
    });
    expect(kmsGrants(csv.functionCode).sort()).toEqual(
      [...documented("s3:GetObject", "up"), ...documented("sqs:SendMessage", "rows")].sort(),
    );
    const replica = queueToTablePermissions({
      ...at,
      tableName: "replica",
      tableKeyArn: keyArn("replica"),
      versionTable: "v",
      versionTableKeyArn: keyArn("v"),
      queueName: "changes",
      queueKeyArn: keyArn("changes"),
    });
    expect(kmsGrants(replica.functionCode).sort()).toEqual(
      [
        ...documented("dynamodb:BatchWriteItem", "replica"),
        ...documented("dynamodb:PutItem", "v"),
      ].sort(),
    );
    expect(kmsGrants(replica.eventSource)).toEqual(documented("sqs:ReceiveMessage", "changes"));
    const changes = streamToQueuePermissions({
      ...at,
      queueName: "r.fifo",
      queueKeyArn: keyArn("r"),
      sourceStreamArn: streamArn,
      sourceStreamKeyArn: keyArn("orders"),
    });
    expect(kmsGrants(changes.functionCode)).toEqual(documented("sqs:SendMessage", "r"));
    expect(kmsGrants(changes.eventSource)).toEqual(documented("dynamodb:GetRecords", "orders"));
    const glue = streamToGluePermissions({
      ...at,
      jobName: "copy",
      sourceStreamArn: streamArn,
      sourceStreamKeyArn: keyArn("orders"),
    });
    expect(kmsGrants(glue.functionCode)).toEqual([]);
    expect(kmsGrants(glue.eventSource)).toEqual(documented("dynamodb:GetRecords", "orders"));
    const totals = streamAggregatePermissions({
      ...at,
      totalsTable: "totals",
      totalsTableKeyArn: keyArn("totals"),
      sourceStreamArn: streamArn,
      sourceStreamKeyArn: keyArn("orders"),
    });
    expect(kmsGrants(totals.functionCode)).toEqual(documented("dynamodb:UpdateItem", "totals"));
    expect(kmsGrants(totals.eventSource)).toEqual(documented("dynamodb:GetRecords", "orders"));
    const log = kinesisToTablePermissions({
      ...at,
      tableName: "Log",
      tableKeyArn: keyArn("log"),
      sourceStreamName: "S",
      sourceStreamKeyArn: keyArn("s"),
    });
    expect(kmsGrants(log.functionCode)).toEqual(documented("dynamodb:BatchWriteItem", "log"));
    expect(kmsGrants(log.eventSource)).toEqual(documented("kinesis:GetRecords", "s"));
  });

  it("grant nothing on KMS without a key, nor for a trigger that is not given", () => {
    const all = [
      csvToQueuePermissions({ ...at, bucket: "b", queueName: "q" }),
      queueToTablePermissions({ ...at, tableName: "t", versionTable: "v", queueName: "q" }),
      streamToQueuePermissions({ ...at, queueName: "q", sourceStreamArn: streamArn }),
      kinesisToTablePermissions({ ...at, tableName: "t", sourceStreamName: "s" }),
      streamAggregatePermissions({ ...at, totalsTable: "t", sourceStreamKeyArn: keyArn("o") }),
      queueToTablePermissions({ ...at, tableName: "t", queueKeyArn: keyArn("q") }),
    ];
    expect(all.flatMap((p) => kmsGrants(everyStatement(p)))).toEqual([]);
  });

  it("refuse a key named by an alias (IAM matches keys by key ARN) or with a wildcard", () => {
    expect(() =>
      queueToTablePermissions({
        ...at,
        tableName: "t",
        tableKeyArn: "arn:aws:kms:eu-west-1:111122223333:alias/replica",
      }),
    ).toThrow(/tableKeyArn must be the key's ARN/);
    expect(() =>
      csvToQueuePermissions({ ...at, bucket: "b", queueName: "q", bucketKeyArn: "arn:aws:kms:*" }),
    ).toThrow(/bucketKeyArn/);
  });
});

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
