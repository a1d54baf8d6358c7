import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  queueDepth,
  scanTable,
} from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { csvBody, csvSchema, csvTableKey } from "../../bin/scenarioData.js";
import { handler as csvToQueue } from "../../handlers/csvToQueue.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const expectedItems = [
  { campo1: { S: "a1" }, campo2: { S: "b1" }, campo3: { N: "10" }, campo4: { BOOL: true } },
  {
    campo1: { S: "a2" },
    campo2: { S: "b2, with a comma" },
    campo3: { N: "20.5" },
    campo4: { BOOL: false },
  },
  {
    campo1: { S: "a5" },
    campo2: { S: 'b5 "quoted"' },
    campo3: { N: "50" },
    campo4: { BOOL: true },
  },
];

describe("CSV load on the emulators: S3 ObjectCreated → csvToQueue → SQS (standard) → queueToTable (VERSION_TABLE) → table", () => {
  const c = emulatorClients();
  const bucket = uniqueName("uploads");
  const table = uniqueName("items");
  // A key S3 URL-encodes in its notification (space, accent).
  const key = "cargas/ejemplo año 2026.csv";
  let queue: { readonly url: string; readonly dlqUrl: string };
  let event: S3Event;
  let poller: SqsPoller;

  beforeAll(async () => {
    await createBucket(c.s3, bucket);
    queue = await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 10 });
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    // A standard queue: queueToTable needs VERSION_TABLE (rows carry the S3 sequencer as seq).
    const versions = uniqueName("versions");
    await createKeyedTable(c.dynamodb, versions, { partitionKey: "pk" });
    // Only AWS_ENDPOINT_URL_S3 (no AWS_ENDPOINT_URL) points the handler's S3 client at moto.
    setHandlerEnvironment({
      QUEUE_URL: queue.url,
      CSV_SCHEMA: JSON.stringify(csvSchema),
      TABLE_NAME: table,
      VERSION_TABLE: versions,
    });
    const stored = await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: csvBody }),
    );
    event = objectCreatedEvent(bucket, key, {
      etag: stored.ETag ?? "",
      ...(stored.VersionId ? { versionId: stored.VersionId } : {}),
    });
    poller = new SqsPoller(c.sqs, queue.url, queueToTable, quickQueuePolling);
  });

  it("puts the good rows of seed 004 in the table and reports the two bad rows by line and column", async () => {
    expect(event.Records[0]?.s3.object.key).toContain("ejemplo+a%C3%B1o+2026.csv");
    const log = captureRejectLog();
    try {
      await csvToQueue(event, localContext("csvToQueue", 900_000));
    } finally {
      log.stop();
    }
    expect(log.records.map((r) => [r.pipeline, r.error.recordId.slice(-3), r.error.field])).toEqual(
      [
        ["csvToQueue", "#L4", "campo3"],
        ["csvToQueue", "#L5", "$"],
      ],
    );
    expect(log.records[0]?.error.recordId).toContain(`s3://${bucket}/${key}`);
    const stats = await poller.run();
    // The entry point packs DEFAULT_ROWS_PER_MESSAGE (25) rows per message: one message.
    expect(stats).toEqual({ invocations: 1, deleted: 1, failed: 0, errors: 0 });
    expect(await scanTable(c.dynamodb, table, csvTableKey)).toEqual(expectedItems);
    expect(await queueDepth(c.sqs, queue.url)).toBe(0);
    expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(0);
  });

  it("ends with the same items when S3's event is delivered again (Lambda's asynchronous retry)", async () => {
    const log = captureRejectLog();
    try {
      await csvToQueue(event, localContext("csvToQueue", 900_000));
    } finally {
      log.stop();
    }
    expect(log.records).toHaveLength(2);
    expect((await poller.run()).deleted).toBe(1);
    expect(await scanTable(c.dynamodb, table, csvTableKey)).toEqual(expectedItems);
  });
});
