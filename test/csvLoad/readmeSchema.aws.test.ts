import { readFileSync } from "node:fs";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  scanTable,
} from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { handler as csvToQueue } from "../../handlers/csvToQueue.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

/** The README's `CSV_SCHEMA` example, exactly as the README prints it. */
const readmeSchema = (): string => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const example = /^`CSV_SCHEMA`: `([^`]+)`/m.exec(readme)?.[1];
  if (example === undefined) throw new Error("README.md has no CSV_SCHEMA example");
  return example;
};

describe("the README's CSV_SCHEMA example through the deployable handlers (moto S3 and SQS, DynamoDB Local)", () => {
  const c = emulatorClients();

  it("types every column as the README says: number, boolean, json, stringSet, skip, empty cells omitted", async () => {
    const bucket = uniqueName("uploads");
    const table = uniqueName("products");
    await createBucket(c.s3, bucket);
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
      maxReceiveCount: 5,
    });
    await createKeyedTable(c.dynamodb, table, { partitionKey: "sku", sortKey: "store" });
    setHandlerEnvironment({ QUEUE_URL: queue.url, CSV_SCHEMA: readmeSchema(), TABLE_NAME: table });
    const body = [
      "sku,store,price,active,tags,meta,notes",
      'a,s1,12,true,x|y,"{""k"":1}",ignored',
      "b,s2,,false,z,{},also ignored",
    ].join("\n");
    const stored = await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "products.csv", Body: body }),
    );
    const log = captureRejectLog();
    try {
      await csvToQueue(
        objectCreatedEvent(bucket, "products.csv", { etag: stored.ETag ?? "" }),
        localContext("csvToQueue", 900_000),
      );
      await new SqsPoller(c.sqs, queue.url, queueToTable, quickQueuePolling).run();
    } finally {
      log.stop();
    }
    expect(log.records).toEqual([]);
    expect(await scanTable(c.dynamodb, table, { partitionKey: "sku", sortKey: "store" })).toEqual([
      {
        sku: { S: "a" },
        store: { S: "s1" },
        price: { N: "12" },
        active: { BOOL: true },
        tags: { SS: ["x", "y"] },
        meta: { M: { k: { N: "1" } } },
      },
      {
        sku: { S: "b" },
        store: { S: "s2" },
        active: { BOOL: false },
        tags: { SS: ["z"] },
        meta: { M: {} },
      },
    ]);
  });
});
