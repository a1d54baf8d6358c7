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
import { isAllowed } from "./iamPolicy.js";

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
