import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { S3Event, SQSEvent, SQSRecord } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it, vi } from "vitest";
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
import { csvBody, csvTableKey } from "../../bin/scenarioData.js";
import { decodeRejectDocument, type RejectDocument } from "../../domain/rejectDocument.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { sqsRecord as queueRecord } from "../support/sqs.js";

/**
 * Rejects through the deployable handlers, configured by environment variables only, on DynamoDB
 * Local and moto. Each test imports fresh handler modules (the environment is read at cold start).
 */
const c = emulatorClients();

const freshHandlers = async (variables: Readonly<Record<string, string>>) => {
  for (const name of ["QUEUE_URL", "TABLE_NAME", "CSV_SCHEMA", "REJECT_DESTINATION"])
    delete process.env[name];
  setHandlerEnvironment(variables);
  vi.resetModules();
  return {
    csvToQueue: (await import("../../handlers/csvToQueue.js")).handler,
    queueToTable: (await import("../../handlers/queueToTable.js")).handler,
    streamToQueue: (await import("../../handlers/streamToQueue.js")).handler,
  };
};

/** Seed 004's CSV and one more row whose sort key cell is empty (the table refuses it alone). */
const seedCsv = `${csvBody}a6,,60,true\r\n`;

const uploadSeed = async (bucket: string, key: string): Promise<S3Event> => {
  const stored = await c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: seedCsv }));
  return objectCreatedEvent(bucket, key, { etag: stored.ETag ?? "" });
};

/** A message as Lambda delivers it from a FIFO queue (queueToTable refuses a standard one). */
const sqsRecord = (messageId: string, body: string): SQSRecord =>
  queueRecord(body, { messageId, queueArn: "arn:aws:sqs:us-east-1:123456789012:q.fifo" });

const documentsIn = async (queueUrl: string): Promise<RejectDocument[]> => {
  const out: RejectDocument[] = [];
  for (let i = 0; i < 5; i++) {
    const { Messages } = await c.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    if (!Messages || Messages.length === 0) break;
    for (const m of Messages) {
      const decoded = decodeRejectDocument(m.Body ?? "");
      if (E.isLeft(decoded)) throw new Error(decoded.left.reason);
      out.push(decoded.right);
    }
  }
  return out;
};

const documentsUnder = async (bucket: string, prefix: string): Promise<RejectDocument[]> => {
  const listed = await c.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out: RejectDocument[] = [];
  for (const { Key } of listed.Contents ?? []) {
    const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    const decoded = decodeRejectDocument((await object.Body?.transformToString()) ?? "");
    if (E.isLeft(decoded)) throw new Error(decoded.left.reason);
    out.push(decoded.right);
  }
  return out;
};

const fourItems = [
  { campo1: { S: "a1" }, campo2: { S: "b1" }, campo3: { S: "10" }, campo4: { S: "true" } },
  {
    campo1: { S: "a2" },
    campo2: { S: "b2, with a comma" },
    campo3: { S: "20.5" },
    campo4: { S: "false" },
  },
  {
    campo1: { S: "a3" },
    campo2: { S: "b3" },
    campo3: { S: "not-a-number" },
    campo4: { S: "true" },
  },
  { campo1: { S: "a5" }, campo2: { S: 'b5 "quoted"' }, campo3: { S: "50" }, campo4: { S: "TRUE" } },
];

describe("seed 004 with zero configuration (no CSV_SCHEMA): keys come from the table", () => {
  it("loads every valid row into a campo1+campo2 table; the invalid rows are rejected alone", async () => {
    const bucket = uniqueName("uploads");
    const table = uniqueName("items");
    await createBucket(c.s3, bucket);
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
      maxReceiveCount: 10,
    });
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const h = await freshHandlers({ QUEUE_URL: queue.url, TABLE_NAME: table });
    const event = await uploadSeed(bucket, "ejemplo.csv");
    const log = captureRejectLog();
    try {
      await h.csvToQueue(event, localContext("csvToQueue", 900_000));
      const stats = await new SqsPoller(c.sqs, queue.url, h.queueToTable, quickQueuePolling).run();
      expect(stats).toMatchObject({ deleted: 1, failed: 0 });
    } finally {
      log.stop();
    }
    expect(await scanTable(c.dynamodb, table, csvTableKey)).toEqual(fourItems);
    expect(log.records.map((r) => [r.pipeline, r.error.field])).toEqual([
      ["csvToQueue", "$"],
      ["queueToTable", "commands[4].item.campo2"],
    ]);
    expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(0);
  });
});

describe("queueToTable without REJECT_DESTINATION: the queue's DLQ receives unreadable messages", () => {
  it("reports an unreadable message as a batch item failure; the redrive policy moves it to the DLQ", async () => {
    const table = uniqueName("items");
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
      maxReceiveCount: 1,
      visibilityTimeoutSeconds: 1,
    });
    const h = await freshHandlers({ TABLE_NAME: table });
    await c.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: "{not json",
        MessageGroupId: "g",
        MessageDeduplicationId: "d1",
      }),
    );
    const log = captureRejectLog();
    let stats: { failed: number };
    try {
      stats = await new SqsPoller(c.sqs, queue.url, h.queueToTable, quickQueuePolling).run();
    } finally {
      log.stop();
    }
    expect(stats.failed).toBe(1);
    let inDlq: string[] = [];
    for (let i = 0; i < 10 && inDlq.length === 0; i++) {
      await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }));
      const { Messages } = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }),
      );
      inDlq = (Messages ?? []).map((m) => m.Body ?? "");
    }
    expect(inDlq).toEqual(["{not json"]);
  });
});

describe("REJECT_DESTINATION: rejects arrive in the documented format and decode to the original", () => {
  it("queueToTable → an SQS queue: the unreadable message and the bad command, as delivered", async () => {
    const table = uniqueName("items");
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const destination = await createQueueWithDlq(c.sqs, uniqueName("rejects"), {
      maxReceiveCount: 10,
    });
    const h = await freshHandlers({ TABLE_NAME: table, REJECT_DESTINATION: destination.url });
    const unreadable = sqsRecord("m-bad", "{not json");
    const mixed = sqsRecord(
      "m-mixed",
      JSON.stringify({
        v: 1,
        commands: [
          { op: "put", item: { campo1: { S: "x" }, campo2: { S: "y" } }, source: "r1" },
          { op: "put", item: { campo1: { S: "x" } }, source: "r2" },
        ],
      }),
    );
    const event: SQSEvent = { Records: [unreadable, mixed] };
    expect(await h.queueToTable(event, localContext("queueToTable"))).toEqual({
      batchItemFailures: [],
    });
    expect(await scanTable(c.dynamodb, table, csvTableKey)).toEqual([
      { campo1: { S: "x" }, campo2: { S: "y" } },
    ]);
    const documents = await documentsIn(destination.url);
    expect(
      documents
        .map((d) => [d.entryPoint, d.recordId, d.field, d.original])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ["queueToTable", "m-bad", "$", unreadable],
      ["queueToTable", "m-mixed", "commands[1].item.campo2", mixed],
    ]);
    for (const d of documents)
      expect(d).toMatchObject({ format: "dynamodb-pipelines/reject", version: 1 });
  });

  it("csvToQueue → an S3 prefix: the bad row's cells, named by its row id", async () => {
    const bucket = uniqueName("uploads");
    const ops = uniqueName("ops");
    await createBucket(c.s3, bucket);
    await createBucket(c.s3, ops);
    const queue = await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 10 });
    const h = await freshHandlers({
      QUEUE_URL: queue.url,
      REJECT_DESTINATION: `s3://${ops}/rejects/`,
    });
    await h.csvToQueue(
      await uploadSeed(bucket, "ejemplo.csv"),
      localContext("csvToQueue", 900_000),
    );
    const documents = await documentsUnder(ops, "rejects/csvToQueue/");
    expect(documents.map((d) => [d.entryPoint, d.recordId.slice(-3), d.field, d.original])).toEqual(
      [["csvToQueue", "#L5", "$", ["a4", "b4", "40"]]],
    );
  });

  it("streamToQueue → an SQS queue: the stream record as delivered", async () => {
    const target = await createQueueWithDlq(c.sqs, uniqueName("changes"), { maxReceiveCount: 10 });
    const destination = await createQueueWithDlq(c.sqs, uniqueName("rejects"), {
      maxReceiveCount: 10,
    });
    const h = await freshHandlers({ QUEUE_URL: target.url, REJECT_DESTINATION: destination.url });
    const bad = { eventID: "e1", eventName: "INSERT", dynamodb: { SequenceNumber: "100" } };
    expect(
      await h.streamToQueue({ Records: [bad] } as never, localContext("streamToQueue")),
    ).toEqual({ batchItemFailures: [] });
    const documents = await documentsIn(destination.url);
    expect(documents.map((d) => [d.entryPoint, d.recordId, d.original])).toEqual([
      ["streamToQueue", "e1", bad],
    ]);
  });
});

describe("a failing destination: the record fails, it does not vanish", () => {
  const missingQueue = () => `${emulatorEndpoints().moto}/123456789012/${uniqueName("gone")}`;

  it("queueToTable reports the message as a batch item failure", async () => {
    const table = uniqueName("items");
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const h = await freshHandlers({ TABLE_NAME: table, REJECT_DESTINATION: missingQueue() });
    const event: SQSEvent = { Records: [sqsRecord("m-bad", "{not json")] };
    expect(await h.queueToTable(event, localContext("queueToTable"))).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-bad" }],
    });
  });

  it("streamToQueue checkpoints at the rejected record", async () => {
    const target = await createQueueWithDlq(c.sqs, uniqueName("changes"), { maxReceiveCount: 10 });
    const h = await freshHandlers({ QUEUE_URL: target.url, REJECT_DESTINATION: missingQueue() });
    const bad = { eventID: "e1", eventName: "INSERT", dynamodb: { SequenceNumber: "100" } };
    expect(
      await h.streamToQueue({ Records: [bad] } as never, localContext("streamToQueue")),
    ).toEqual({ batchItemFailures: [{ itemIdentifier: "100" }] });
  });

  it("csvToQueue throws (S3's asynchronous invocation retries the object)", async () => {
    const bucket = uniqueName("uploads");
    await createBucket(c.s3, bucket);
    const queue = await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 10 });
    const h = await freshHandlers({
      QUEUE_URL: queue.url,
      REJECT_DESTINATION: `s3://${uniqueName("missing")}/rejects/`,
    });
    await expect(
      h.csvToQueue(await uploadSeed(bucket, "ejemplo.csv"), localContext("csvToQueue", 900_000)),
    ).rejects.toThrow();
  });
});
