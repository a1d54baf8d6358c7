import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  KinesisStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { KinesisPoller } from "../../adapters/localAws/pollers/KinesisPoller.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import {
  applyChanges,
  createKeyedTable,
  createKinesisStream,
  createQueueWithDlq,
  queueDepth,
} from "../../bin/emulatorResources.js";
import { decodeChangeRecord } from "../../domain/streamRecord.js";
import { quickStreamPolling } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const c = emulatorClients();

/** A table with a stream holding one INSERT per id, in order. */
const streamOf = async (ids: ReadonlyArray<string>) => {
  const table = uniqueName("poll");
  const { streamArn } = await createKeyedTable(c.dynamodb, table, { partitionKey: "id" }, true);
  await applyChanges(
    c.dynamodb,
    table,
    ids.map((id) => ({ put: { id: { S: id } } })),
  );
  return { table, streamArn };
};

const idsOf = (event: DynamoDBStreamEvent) =>
  event.Records.map((r) => {
    const id = r.dynamodb?.Keys?.id;
    return id?.S ?? "?";
  });

describe("DynamoDbStreamPoller on DynamoDB Local", () => {
  it("delivers INSERT, MODIFY and REMOVE in Lambda's DynamoDBRecord shape, which the domain decodes", async () => {
    const table = uniqueName("shape");
    const { streamArn } = await createKeyedTable(c.dynamodb, table, { partitionKey: "id" }, true);
    await applyChanges(c.dynamodb, table, [
      { put: { id: { S: "a" }, blob: { B: "AAEC/f7/" }, n: { N: "1.50" } } },
      { put: { id: { S: "a" }, n: { N: "2" } } },
      { delete: { id: { S: "a" } } },
    ]);
    const records: DynamoDBRecord[] = [];
    await new DynamoDbStreamPoller(
      c.streams,
      streamArn,
      async (event) => {
        records.push(...event.Records);
        return { batchItemFailures: [] };
      },
      quickStreamPolling,
    ).run();
    expect(records.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventSource: "aws:dynamodb",
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { id: { S: "a" } },
        NewImage: { id: { S: "a" }, blob: { B: "AAEC/f7/" }, n: { N: "1.5" } },
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    });
    expect(modify?.dynamodb?.OldImage).toEqual(insert?.dynamodb?.NewImage);
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    for (const record of records) {
      const seconds = record.dynamodb?.ApproximateCreationDateTime ?? 0;
      expect(Number.isInteger(seconds) && seconds > 1e9 && seconds < 1e11).toBe(true);
      expect(E.isRight(decodeChangeRecord(record, 0))).toBe(true);
    }
  });

  it("re-reads from the record a partial batch response names, without redelivering those before it", async () => {
    const { streamArn } = await streamOf(["r1", "r2", "r3", "r4", "r5"]);
    const seen: string[][] = [];
    const stats = await new DynamoDbStreamPoller(
      c.streams,
      streamArn,
      async (event): Promise<DynamoDBBatchResponse> => {
        seen.push(idsOf(event));
        const third = event.Records[2]?.dynamodb?.SequenceNumber;
        return seen.length === 1 && third !== undefined
          ? { batchItemFailures: [{ itemIdentifier: third }] }
          : { batchItemFailures: [] };
      },
      quickStreamPolling,
    ).run();
    expect(seen).toEqual([
      ["r1", "r2", "r3", "r4", "r5"],
      ["r3", "r4", "r5"],
    ]);
    expect(stats).toEqual({ invocations: 2, failedInvocations: 1, records: 5 });
  });

  it("gives a batch whose handler threw (or named a record not in it) to the handler again", async () => {
    const { streamArn } = await streamOf(["t1", "t2", "t3"]);
    const seen: string[][] = [];
    const stats = await new DynamoDbStreamPoller(
      c.streams,
      streamArn,
      async (event): Promise<DynamoDBBatchResponse> => {
        seen.push(idsOf(event));
        if (seen.length === 1) throw new Error("cold start failed");
        if (seen.length === 2) return { batchItemFailures: [{ itemIdentifier: "not-in-batch" }] };
        return { batchItemFailures: [] };
      },
      { batchSize: 2, ...quickStreamPolling },
    ).run();
    expect(seen).toEqual([["t1", "t2"], ["t1", "t2"], ["t1", "t2"], ["t3"]]);
    expect(stats).toEqual({ invocations: 4, failedInvocations: 2, records: 3 });
  });

  it("throws after maxAttempts failures of one batch, and delivers it again on the next run", async () => {
    const { streamArn } = await streamOf(["f1", "f2"]);
    const seen: string[][] = [];
    let healthy = false;
    const poller = new DynamoDbStreamPoller(
      c.streams,
      streamArn,
      async (event) => {
        seen.push(idsOf(event));
        if (!healthy) throw new Error("table missing");
        return { batchItemFailures: [] };
      },
      quickStreamPolling,
    );
    await expect(poller.run()).rejects.toThrow(/failed 4 times/);
    expect(seen).toHaveLength(4);
    healthy = true;
    expect(await poller.run()).toEqual({ invocations: 1, failedInvocations: 0, records: 2 });
    expect(seen.at(-1)).toEqual(["f1", "f2"]);
  });
});

describe("SqsPoller on moto", () => {
  const send = async (url: string, bodies: ReadonlyArray<string>) => {
    await c.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies.map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageAttributes: {
            kind: { DataType: "String", StringValue: "test" },
            raw: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2]) },
          },
        })),
      }),
    );
  };

  it("deletes the messages that succeeded; a reported one comes back with its receive count raised", async () => {
    const queue = await createQueueWithDlq(c.sqs, uniqueName("poll"), {
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 1,
    });
    await send(queue.url, ["m1", "m2", "m3"]);
    const deliveries: { body: string; count: string }[] = [];
    const events: SQSEvent[] = [];
    const stats = await new SqsPoller(
      c.sqs,
      queue.url,
      async (event): Promise<SQSBatchResponse> => {
        events.push(event);
        for (const r of event.Records)
          deliveries.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
        const m2 = event.Records.find(
          (r) => r.body === "m2" && r.attributes.ApproximateReceiveCount === "1",
        );
        return { batchItemFailures: m2 ? [{ itemIdentifier: m2.messageId }] : [] };
      },
      { waitTimeSeconds: 1, maxEmptyPolls: 2 },
    ).run();
    expect(deliveries.filter((d) => d.body === "m2").map((d) => d.count)).toEqual(["1", "2"]);
    expect(deliveries.filter((d) => d.body !== "m2").map((d) => d.count)).toEqual(["1", "1"]);
    expect(stats).toMatchObject({ deleted: 3, failed: 1, errors: 0 });
    expect(await queueDepth(c.sqs, queue.url)).toBe(0);
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: "aws:sqs",
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:.*poll/),
      messageAttributes: {
        kind: { stringValue: "test", dataType: "String" },
        raw: { binaryValue: "AAEC", dataType: "Binary" },
      },
    });
  });

  it("deletes nothing of a batch whose handler threw", async () => {
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("poll")}.fifo`, {
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 1,
    });
    await c.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ["x1", "x2"].map((body) => ({
          Id: body,
          MessageBody: body,
          MessageGroupId: "g",
          MessageDeduplicationId: body,
        })),
      }),
    );
    let calls = 0;
    const stats = await new SqsPoller(
      c.sqs,
      queue.url,
      async (event) => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
        expect(event.Records.every((r) => r.attributes.MessageGroupId === "g")).toBe(true);
        return { batchItemFailures: [] };
      },
      { waitTimeSeconds: 1, maxEmptyPolls: 2 },
    ).run();
    expect(stats).toMatchObject({ errors: 1, failed: 2, deleted: 2 });
    expect(await queueDepth(c.sqs, queue.url)).toBe(0);
  });
});

describe("KinesisPoller on moto", () => {
  it("delivers KinesisStreamRecords and re-reads from the sequence number a partial response names", async () => {
    const stream = uniqueName("poll");
    await createKinesisStream(c.kinesis, stream, 1);
    const sequences: string[] = [];
    for (const text of ["k1", "k2", "k3"]) {
      const put = await c.kinesis.send(
        new PutRecordCommand({ StreamName: stream, PartitionKey: text, Data: Buffer.from(text) }),
      );
      sequences.push(`${put.ShardId}:${put.SequenceNumber}`);
    }
    const events: KinesisStreamEvent[] = [];
    const stats = await new KinesisPoller(
      c.kinesis,
      stream,
      async (event) => {
        events.push(event);
        const second = event.Records[1]?.kinesis.sequenceNumber;
        return events.length === 1 && second
          ? { batchItemFailures: [{ itemIdentifier: second }] }
          : { batchItemFailures: [] };
      },
      quickStreamPolling,
    ).run();
    expect(events.map((e) => e.Records.map((r) => r.eventID))).toEqual([
      sequences,
      sequences.slice(1),
    ]);
    expect(stats).toEqual({ invocations: 2, failedInvocations: 1, records: 3 });
    const first = events[0]?.Records[0];
    expect(first).toMatchObject({
      eventSource: "aws:kinesis",
      eventSourceARN: expect.stringContaining(`stream/${stream}`),
      kinesis: { data: Buffer.from("k1").toString("base64"), partitionKey: "k1" },
    });
    const seconds = first?.kinesis.approximateArrivalTimestamp ?? 0;
    expect(seconds > 1e9 && seconds < 1e11).toBe(true);
  });
});
