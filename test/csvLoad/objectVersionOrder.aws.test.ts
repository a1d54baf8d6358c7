import { PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  scanTable,
} from "../../bin/emulatorResources.js";
import { handler as csvToQueue } from "../../handlers/csvToQueue.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const tableKey = { partitionKey: "id" };

/**
 * A versioned bucket, its notifications processed out of order (reordered deliveries, Lambda's
 * asynchronous retry of an older one): csvToQueue → standard SQS queue → queueToTable with
 * VERSION_TABLE, deployable handlers, only env vars. S3 orders the events of one key by
 * `s3.object.sequencer`; the S3 User Guide ("Event message structure") says sequencers can be of
 * different lengths and are compared by right-padding the shorter with zeros, then comparing
 * lexicographically: "FF" (read "FF00") is later than "0100", "0F" earlier than "1".
 */
describe("CSV rows of an older object version never overwrite a newer version's", () => {
  const c = emulatorClients();
  const bucket = uniqueName("versioned");
  const table = uniqueName("rows");
  let queueUrl = "";

  beforeAll(async () => {
    await createBucket(c.s3, bucket);
    await c.s3.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    queueUrl = (await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 5 })).url;
    const versions = uniqueName("versions");
    await createKeyedTable(c.dynamodb, table, tableKey);
    await createKeyedTable(c.dynamodb, versions, { partitionKey: "pk" });
    setHandlerEnvironment({ QUEUE_URL: queueUrl, TABLE_NAME: table, VERSION_TABLE: versions });
  });

  /** Stores a version of `key` and returns its notification, with `sequencer`. */
  const store = async (key: string, body: string, sequencer: string): Promise<S3Event> => {
    const put = await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    expect(put.VersionId).toBeTruthy();
    const event = objectCreatedEvent(bucket, key, {
      etag: put.ETag ?? "",
      versionId: put.VersionId ?? "",
    });
    const record = event.Records[0];
    if (record !== undefined) record.s3.object.sequencer = sequencer;
    return event;
  };

  /** csvToQueue on one notification, then queueToTable on everything it queued. */
  const load = async (event: S3Event) => {
    await csvToQueue(event, localContext("csvToQueue", 900_000));
    const stats = await new SqsPoller(c.sqs, queueUrl, queueToTable, quickQueuePolling).run();
    expect(stats.failed).toBe(0);
  };
  const nameOf = async (id: string) => {
    const items = await scanTable(c.dynamodb, table, tableKey);
    return items.find((item) => JSON.stringify(item.id) === JSON.stringify({ S: id }))?.name;
  };

  it.each([
    ["sequencers of equal length", "0062E99A88DC407460", "0062E99A88DC407461"],
    ["a shorter newer sequencer (right-padded: FF00 > 0100)", "0100", "FF"],
    ["a longer newer sequencer with a leading zero (0F < 10)", "0F", "1"],
    ["a newer sequencer longer by trailing digits", "0062E99A88DC4074", "0062E99A88DC407460"],
  ])("v2's notification processed before v1's, %s: v2's rows stay", async (_case, s1, s2) => {
    const name = uniqueName("data");
    const key = `${name}.csv`;
    // Item keys of this case only: the table and its version items outlive the case.
    const [k1, k2] = [`${name}-k1`, `${name}-k2`];
    const v1 = await store(key, `id,name\n${k1},old\n${k2},old\n`, s1);
    const v2 = await store(key, `id,name\n${k1},new\n`, s2);
    await load(v2);
    await load(v1);
    expect(await nameOf(k1)).toEqual({ S: "new" });
    // A key v2 does not have keeps v1's row (loads are upserts).
    expect(await nameOf(k2)).toEqual({ S: "old" });
    // Lambda's asynchronous retry of v1 again, then of v2: still v2's rows.
    await load(v1);
    expect(await nameOf(k1)).toEqual({ S: "new" });
    await load(v2);
    expect(await nameOf(k1)).toEqual({ S: "new" });
  });

  it("within one version, the last row of an item key wins", async () => {
    const key = `${uniqueName("dup")}.csv`;
    await load(await store(key, "id,name\nk9,first\nk9,second\n", "0062E99A88DC407470"));
    expect(await nameOf("k9")).toEqual({ S: "second" });
  });
});
