import { PutObjectCommand } from "@aws-sdk/client-s3";
import type {
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  KinesisStreamEvent,
  S3Event,
  SQSEvent,
  SQSRecord,
} from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createGlueJob,
  createKeyedTable,
  createQueueWithDlq,
} from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { csvBody, csvSchema, csvTableKey } from "../../bin/scenarioData.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { captureEmf, countsOf, type EmfDocument, emfProblems } from "../support/emfLog.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { base64, kinesisEvent, kinesisRecord } from "../support/kinesis.js";
import { sqsRecord as queueRecord } from "../support/sqs.js";
import { change, order, rawRecord } from "../support/streams.js";

/**
 * The metrics each deployable handler publishes, read from its standard output as CloudWatch
 * would read them: one Embedded Metric Format line per invocation. Each case imports a fresh
 * module (a new cold start) with only environment variables set, on DynamoDB Local and moto.
 */
const c = emulatorClients();

const entries = {
  streamToQueue: () => import("../../handlers/streamToQueue.js"),
  queueToTable: () => import("../../handlers/queueToTable.js"),
  streamToGlue: () => import("../../handlers/streamToGlue.js"),
  streamAggregate: () => import("../../handlers/streamAggregate.js"),
  kinesisToTable: () => import("../../handlers/kinesisToTable.js"),
  csvToQueue: () => import("../../handlers/csvToQueue.js"),
} as const;
type Name = keyof typeof entries;
type Invoke = (event: unknown) => Promise<{ readonly result?: unknown; readonly error?: Error }>;

const variables = [
  "QUEUE_URL",
  "TABLE_NAME",
  "VERSION_TABLE",
  "GLUE_JOB_NAME",
  "TOTALS_TABLE",
  "CSV_SCHEMA",
  "REJECT_DESTINATION",
  "POWERTOOLS_METRICS_NAMESPACE",
  "POWERTOOLS_SERVICE_NAME",
  "POWERTOOLS_DEV",
  "POWERTOOLS_METRICS_DISABLED",
];

/** A fresh entry point (cold start) with only `env` set; each invocation returns its EMF lines. */
const deployed = async (name: Name, env: Readonly<Record<string, string>>) => {
  for (const variable of variables) delete process.env[variable];
  setHandlerEnvironment(env);
  vi.resetModules();
  const { handler } = (await entries[name]()) as unknown as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  const documents: EmfDocument[] = [];
  const invoke: Invoke = async (event) => {
    const emf = captureEmf();
    const rejects = captureRejectLog();
    try {
      return { result: await handler(event, localContext(name, 900_000)) };
    } catch (error) {
      return { error: error as Error };
    } finally {
      rejects.stop();
      emf.stop();
      documents.push(...emf.documents);
    }
  };
  return { invoke, documents };
};

/** Runs one invocation and returns its only EMF document, checked against the specification. */
const published = async (
  invoke: Invoke,
  event: unknown,
  documents: EmfDocument[],
  dims: { readonly namespace: string; readonly service: string; readonly pipeline: string },
) => {
  const before = Date.now();
  const seen = documents.length;
  const outcome = await invoke(event);
  const after = Date.now();
  const mine = documents.slice(seen);
  expect(mine).toHaveLength(1);
  const [doc] = mine as [EmfDocument];
  expect(emfProblems(doc)).toEqual([]);
  expect(doc._aws.Timestamp).toBeGreaterThanOrEqual(before);
  expect(doc._aws.Timestamp).toBeLessThanOrEqual(after);
  expect(doc._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: dims.namespace,
      Dimensions: [["service", "Pipeline"]],
      Metrics: ["Processed", "Rejected", "Skipped", "Retried"].map((Name) => ({
        Name,
        Unit: "Count",
      })),
    },
  ]);
  expect(doc.service).toBe(dims.service);
  expect(doc.Pipeline).toBe(dims.pipeline);
  return { outcome, counts: countsOf(doc) };
};

const defaults = (pipeline: string) => ({
  namespace: "dynamodb-pipelines",
  service: "dynamodb-pipelines",
  pipeline,
});

/** A stream record that can never be decoded (no Keys). */
const undecodable = (sequenceNumber: string): DynamoDBRecord => ({
  eventID: `bad-${sequenceNumber}`,
  eventName: "INSERT",
  eventSource: "aws:dynamodb",
  dynamodb: { SequenceNumber: sequenceNumber, StreamViewType: "NEW_AND_OLD_IMAGES" },
});

const orderRecord = (id: string, item: string, quantity: string) =>
  rawRecord(change("INSERT", { newImage: order(id, "2026-11-21T10:00:00Z", item, quantity) }));

/** A message as Lambda delivers it from a FIFO queue (queueToTable refuses a standard one). */
const sqsRecord = (messageId: string, body: string): SQSRecord =>
  queueRecord(body, {
    messageId,
    groupId: messageId,
    queueArn: "arn:aws:sqs:us-east-1:123456789012:q.fifo",
  });

const put = (source: string, campo1: string) =>
  JSON.stringify({
    v: 1,
    commands: [{ op: "put", item: { campo1: { S: campo1 }, campo2: { S: "b" } }, source }],
  });

describe("streamToQueue publishes its counts in EMF", () => {
  it("3 records, 1 undecodable: Processed 2, Rejected 1; a missing queue: Retried 3", async () => {
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("replica")}.fifo`, {
      maxReceiveCount: 5,
    });
    const { invoke, documents } = await deployed("streamToQueue", { QUEUE_URL: queue.url });
    const event: DynamoDBStreamEvent = {
      Records: [orderRecord("o1", "i1", "1"), undecodable("5001"), orderRecord("o2", "i1", "2")],
    };
    const ok = await published(invoke, event, documents, defaults("streamToQueue"));
    expect(ok.outcome.result).toEqual({ batchItemFailures: [] });
    expect(ok.counts).toEqual({ Processed: 2, Rejected: 1, Skipped: 0, Retried: 0 });

    const missing = await deployed("streamToQueue", {
      QUEUE_URL: queue.url.replace(/[^/]+$/, `${uniqueName("gone")}.fifo`),
    });
    const failed = await published(
      missing.invoke,
      event,
      missing.documents,
      defaults("streamToQueue"),
    );
    expect(failed.outcome.error?.message).toMatch(/^streamToQueue: /);
    expect(failed.counts).toEqual({ Processed: 0, Rejected: 0, Skipped: 0, Retried: 3 });
  });
});

describe("queueToTable publishes its counts in EMF", () => {
  it("with a reject destination and Powertools' namespace/service variables: Processed 2, Rejected 1", async () => {
    const table = uniqueName("items");
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const destination = await createQueueWithDlq(c.sqs, uniqueName("rejects"), {
      maxReceiveCount: 10,
    });
    const { invoke, documents } = await deployed("queueToTable", {
      TABLE_NAME: table,
      REJECT_DESTINATION: destination.url,
      POWERTOOLS_METRICS_NAMESPACE: "shop/replication",
      POWERTOOLS_SERVICE_NAME: "orders-replica",
    });
    const event: SQSEvent = {
      Records: [
        sqsRecord("m1", put("r1", "x1")),
        sqsRecord("m2", "{not json"),
        sqsRecord("m3", put("r3", "x3")),
      ],
    };
    const { outcome, counts } = await published(invoke, event, documents, {
      namespace: "shop/replication",
      service: "orders-replica",
      pipeline: "queueToTable",
    });
    expect(outcome.result).toEqual({ batchItemFailures: [] });
    expect(counts).toEqual({ Processed: 2, Rejected: 1, Skipped: 0, Retried: 0 });
  });

  it("without a reject destination the unreadable message fails for the DLQ: Processed 2, Retried 1", async () => {
    const table = uniqueName("items");
    await createKeyedTable(c.dynamodb, table, csvTableKey);
    const { invoke, documents } = await deployed("queueToTable", { TABLE_NAME: table });
    const event: SQSEvent = {
      Records: [
        sqsRecord("m1", put("r1", "x1")),
        sqsRecord("m2", "{not json"),
        sqsRecord("m3", put("r3", "x3")),
      ],
    };
    const { outcome, counts } = await published(invoke, event, documents, defaults("queueToTable"));
    expect(outcome.result).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(counts).toEqual({ Processed: 2, Rejected: 0, Skipped: 0, Retried: 1 });
  });
  it("on a standard queue with VERSION_TABLE, redelivered and older commands are Skipped", async () => {
    const replica = uniqueName("replica");
    const versions = uniqueName("versions");
    await createKeyedTable(c.dynamodb, replica, { partitionKey: "id" });
    await createKeyedTable(c.dynamodb, versions, { partitionKey: "pk" });
    const destination = await createQueueWithDlq(c.sqs, uniqueName("rejects"), {
      maxReceiveCount: 10,
    });
    const { invoke, documents } = await deployed("queueToTable", {
      TABLE_NAME: replica,
      VERSION_TABLE: versions,
      REJECT_DESTINATION: destination.url,
    });
    const putAt = (id: string, seq: string) =>
      encodeMessageBody([
        { op: "put", key: { id: { S: id } }, item: { id: { S: id } }, source: `${id}@${seq}`, seq },
      ]);
    // A standard queue: the eventSourceARN does not end in .fifo.
    const standard = (messageId: string, body: string): SQSRecord => ({
      ...sqsRecord(messageId, body),
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:replica",
    });
    const first: SQSEvent = {
      Records: [standard("m1", putAt("a", "5")), standard("m2", putAt("b", "3"))],
    };
    const once = await published(invoke, first, documents, defaults("queueToTable"));
    expect(once.counts).toEqual({ Processed: 2, Rejected: 0, Skipped: 0, Retried: 0 });
    const later: SQSEvent = {
      Records: [
        standard("m1", putAt("a", "5")), // delivered again: already applied
        standard("m5", putAt("b", "1")), // older than b's applied version 3
        standard("m6", "{not json"),
        standard("m7", putAt("c", "7")),
      ],
    };
    const { outcome, counts } = await published(invoke, later, documents, defaults("queueToTable"));
    expect(outcome.result).toEqual({ batchItemFailures: [] });
    expect(counts).toEqual({ Processed: 1, Rejected: 1, Skipped: 2, Retried: 0 });
  });
});

describe("streamToGlue publishes its counts in EMF", () => {
  it("a refused start retries the batch (Retried 3); once the job exists, Processed 2, Rejected 1", async () => {
    const job = uniqueName("copy");
    const { invoke, documents } = await deployed("streamToGlue", { GLUE_JOB_NAME: job });
    const event: DynamoDBStreamEvent = {
      Records: [orderRecord("p1", "i", "1"), orderRecord("p2", "i", "1"), undecodable("6001")],
    };
    const refused = await published(invoke, event, documents, defaults("streamToGlue"));
    expect(refused.counts).toEqual({ Processed: 0, Rejected: 0, Skipped: 0, Retried: 3 });
    await createGlueJob(c.glue, job);
    const started = await published(invoke, event, documents, defaults("streamToGlue"));
    expect(started.outcome.result).toEqual({ batchItemFailures: [] });
    expect(started.counts).toEqual({ Processed: 2, Rejected: 1, Skipped: 0, Retried: 0 });
  });
});

describe("streamAggregate publishes its counts in EMF", () => {
  it("a batch with 1 bad record and 1 already applied: Processed 2, Rejected 1, Skipped 1", async () => {
    const totals = uniqueName("totals");
    await createKeyedTable(c.dynamodb, totals, {
      partitionKey: "order_date",
      sortKey: "item_number",
    });
    const { invoke, documents } = await deployed("streamAggregate", { TOTALS_TABLE: totals });
    const first = orderRecord("o1", "item1", "5");
    const once = await published(
      invoke,
      { Records: [first] },
      documents,
      defaults("streamAggregate"),
    );
    expect(once.counts).toEqual({ Processed: 1, Rejected: 0, Skipped: 0, Retried: 0 });
    const event: DynamoDBStreamEvent = {
      Records: [
        first,
        orderRecord("o2", "item1", "3"),
        orderRecord("o3", "item2", "not-a-number"),
        orderRecord("o4", "item2", "4"),
      ],
    };
    const { outcome, counts } = await published(
      invoke,
      event,
      documents,
      defaults("streamAggregate"),
    );
    expect(outcome.result).toEqual({ batchItemFailures: [] });
    expect(counts).toEqual({ Processed: 2, Rejected: 1, Skipped: 1, Retried: 0 });
  });
});

describe("kinesisToTable publishes its counts in EMF", () => {
  it("3 records, 1 not base64: Processed 2, Rejected 1; a missing table: Retried 3", async () => {
    const table = uniqueName("EventLogs");
    await createKeyedTable(c.dynamodb, table, { partitionKey: "eventId" });
    const event: KinesisStreamEvent = kinesisEvent([
      kinesisRecord({ payload: { n: 1 } }),
      kinesisRecord({ raw: "%%% not base64 %%%" }),
      kinesisRecord({ raw: base64("plain text") }),
    ]);
    const { invoke, documents } = await deployed("kinesisToTable", { TABLE_NAME: table });
    const ok = await published(invoke, event, documents, defaults("kinesisToTable"));
    expect(ok.outcome.result).toEqual({ batchItemFailures: [] });
    expect(ok.counts).toEqual({ Processed: 2, Rejected: 1, Skipped: 0, Retried: 0 });

    const missing = await deployed("kinesisToTable", { TABLE_NAME: `${table}-gone` });
    const failed = await published(
      missing.invoke,
      event,
      missing.documents,
      defaults("kinesisToTable"),
    );
    expect(failed.outcome.error?.message).toMatch(/^kinesisToTable: /);
    expect(failed.counts).toEqual({ Processed: 0, Rejected: 0, Skipped: 0, Retried: 3 });
  });
});

describe("csvToQueue publishes its counts in EMF", () => {
  it("seed 004 with its schema: 3 rows sent, 2 rejected; a missing queue: the event is retried", async () => {
    const bucket = uniqueName("uploads");
    await createBucket(c.s3, bucket);
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
      maxReceiveCount: 5,
    });
    const stored = await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "ejemplo.csv", Body: csvBody }),
    );
    const event: S3Event = objectCreatedEvent(bucket, "ejemplo.csv", { etag: stored.ETag ?? "" });
    const env = { QUEUE_URL: queue.url, CSV_SCHEMA: JSON.stringify(csvSchema) };
    const { invoke, documents } = await deployed("csvToQueue", env);
    const ok = await published(invoke, event, documents, defaults("csvToQueue"));
    expect(ok.outcome.error).toBeUndefined();
    // a1, a2, a5 are valid; a3's campo3 is not a number, a4 lacks a column.
    expect(ok.counts).toEqual({ Processed: 3, Rejected: 2, Skipped: 0, Retried: 0 });

    const missing = await deployed("csvToQueue", {
      ...env,
      QUEUE_URL: queue.url.replace(/[^/]+$/, `${uniqueName("gone")}.fifo`),
    });
    const failed = await published(
      missing.invoke,
      event,
      missing.documents,
      defaults("csvToQueue"),
    );
    expect(failed.outcome.error?.message).toMatch(/^csvToQueue: /);
    expect(failed.counts).toMatchObject({ Processed: 0, Skipped: 0, Retried: 1 });
  });
});

describe("no metrics when no handler ran", () => {
  it.each(Object.keys(entries) as Name[])(
    "%s with an invalid environment fails every invocation and publishes nothing",
    async (name) => {
      const { invoke, documents } = await deployed(name, {});
      const outcome = await invoke({ Records: [] });
      expect(outcome.error?.message).toMatch(/is missing/);
      expect(documents).toEqual([]);
    },
  );
});
