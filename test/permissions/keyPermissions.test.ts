import { describe, expect, it } from "vitest";
import {
  csvToQueuePermissions,
  type EntryPointPermissions,
  kinesisToTablePermissions,
  queueToTablePermissions,
  streamAggregatePermissions,
  streamToGluePermissions,
  streamToQueuePermissions,
} from "../../handlers/lambda/permissions.js";
import { kmsActionsOf } from "../support/customerKeys.js";

/**
 * The entry points' KMS statements for the customer managed keys they are given, held to what
 * AWS documents per call (test/support/customerKeys.ts); the same statements against recorded
 * calls: test/permissions/permissions.aws.test.ts.
 */

const at = { region: "eu-west-1", account: "111122223333" } as const;
const streamArn =
  "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2026-01-01T00:00:00.000";
const everyStatement = (p: EntryPointPermissions) => [...p.functionCode, ...p.eventSource];

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
    // The code reads the stream too, to look a record's shard up (a batch without a window).
    expect(kmsGrants(totals.functionCode)).toEqual([
      ...documented("dynamodb:UpdateItem", "totals"),
      ...documented("dynamodb:GetRecords", "orders"),
    ]);
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
