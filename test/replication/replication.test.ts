import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
import { messageGroupIdOf } from "../../handlers/streamToQueue.js";
import {
  deleteOf,
  putOf,
  replicaSchema,
  replicationPipeline,
  seededRandom,
  sqsEvent,
  sqsRecord,
  testContext,
} from "../support/sqs.js";

const key = (pk: string, sk: number): AttributeMap => ({ pk: { S: pk }, sk: { N: String(sk) } });
const item = (pk: string, sk: number, extra: AttributeMap = {}): AttributeMap => ({
  ...key(pk, sk),
  ...extra,
});

const writeHistory = (db: InMemoryDynamoDb) => {
  db.put("source", item("a", 1, { amount: { N: "12345678901234567890123456789012345678" } }));
  db.put("source", item("a", 2, { blob: { B: "AAEC/f7/" }, blobs: { BS: ["AA==", "AQ=="] } }));
  db.put("source", item("b", 1, { name: { S: "ñandú 😀" } }));
  db.put("source", item("a", 1, { amount: { N: "-0.000000000000000000000000000000000001" } }));
  db.put("source", item("a", 1, { amount: { N: "99999999999999999999999999999999999999" } }));
  db.delete("source", key("b", 1));
  db.put("source", item("c", 3, { nested: { M: { l: { L: [{ NULL: true }, { BOOL: true }] } } } }));
  db.put("source", item("b", 1, { name: { S: "back" } }));
  db.delete("source", key("c", 3));
};

describe("replication end to end (in memory)", () => {
  it.each([
    ["FIFO", true],
    ["standard", false],
  ])(
    "makes the replica equal the source through a %s queue, MODIFY and REMOVE included",
    async (_, fifo) => {
      const pipeline = replicationPipeline({ fifo, streamBatchSize: 4, queueBatchSize: 3 });
      writeHistory(pipeline.db);
      const streamed = await pipeline.pumpStream();
      expect(streamed.records).toBe(9);
      const consumed = await pipeline.pumpQueue();
      expect(consumed.drained).toBe(true);
      expect(pipeline.db.scan("replica")).toEqual(pipeline.db.scan("source"));
      expect(pipeline.db.scan("replica")).toHaveLength(3);
      expect(pipeline.rejects.records).toEqual([]);
    },
  );

  it("keeps the newest change when one batch holds several changes of a key, in any order", async () => {
    const pipeline = replicationPipeline({
      fifo: false,
      queueBatchSize: 10,
      random: seededRandom(7),
    });
    for (let v = 1; v <= 8; v++) pipeline.db.put("source", item("hot", 1, { v: { N: String(v) } }));
    await pipeline.pumpStream();
    const consumed = await pipeline.pumpQueue();
    expect(consumed.invocations).toBe(1);
    expect(pipeline.db.get("replica", key("hot", 1))).toEqual(item("hot", 1, { v: { N: "8" } }));
  });

  it("converges after transient failures on both sides", async () => {
    const pipeline = replicationPipeline({ fifo: true, streamBatchSize: 3, queueBatchSize: 2 });
    let sends = 0;
    pipeline.sqs.fault = (operation) =>
      operation === "SendMessageBatch" && ++sends % 2 === 1
        ? {
            failEntry: (_, i) =>
              i === 1 ? { code: "InternalError", senderFault: false } : undefined,
          }
        : undefined;
    let writes = 0;
    pipeline.db.fault = (operation, table) =>
      table === "replica" && operation === "BatchWriteItem" && ++writes % 10 < 9
        ? "ThrottlingException"
        : undefined;
    writeHistory(pipeline.db);
    await pipeline.pumpStream();
    const consumed = await pipeline.pumpQueue();
    expect(consumed.failed).toBeGreaterThan(0);
    expect(pipeline.db.scan("replica")).toEqual(pipeline.db.scan("source"));
  });

  it("moves a message that keeps failing to the dead-letter queue", async () => {
    const pipeline = replicationPipeline({ fifo: false, redrive: { maxReceiveCount: 3 } });
    pipeline.db.put("source", item("a", 1));
    await pipeline.pumpStream();
    pipeline.db.fault = (operation, table) =>
      table === "replica" && operation === "BatchWriteItem" ? "ThrottlingException" : undefined;
    const consumed = await pipeline.pumpQueue();
    expect(consumed).toMatchObject({ invocations: 3, redriven: 1, drained: true });
    expect(pipeline.sqs.peek(pipeline.dlqName)).toHaveLength(1);
  });
});

describe("streamToQueue handler", () => {
  const recordsOf = (db: InMemoryDynamoDb): DynamoDBRecord[] => [...db.stream("source").all()];

  it("sends one message per change, grouped by key and deduplicated by eventID and invocation on FIFO", async () => {
    const pipeline = replicationPipeline({ fifo: true });
    pipeline.db.put("source", item("a", 1));
    pipeline.db.delete("source", key("a", 1));
    const records = recordsOf(pipeline.db);
    const response = await pipeline.streamHandler({ Records: records }, testContext());
    expect(response).toEqual({ batchItemFailures: [] });
    const sent = pipeline.sqs.receive(pipeline.queueName, 10);
    expect(sent.map((r) => r.attributes.MessageGroupId)).toEqual([
      messageGroupIdOf(key("a", 1)),
      messageGroupIdOf(key("a", 1)),
    ]);
    const [first, second] = sent.map((r) => r.attributes.MessageDeduplicationId ?? "");
    expect([first?.split("@")[0], second?.split("@")[0]]).toEqual(records.map((r) => r.eventID));
    expect(first?.split("@")[1]).toBe(second?.split("@")[1]); // one id per invocation
    await pipeline.streamHandler({ Records: records }, testContext()); // a retry: a new invocation
    const bodies = pipeline.sqs.peek(pipeline.queueName).map((m) => m.body);
    expect(bodies).toEqual([sent[0]?.body, sent[1]?.body, sent[0]?.body, sent[1]?.body]);
    expect(JSON.parse(sent[1]?.body ?? "")).toEqual({
      v: 1,
      commands: [
        {
          op: "delete",
          key: key("a", 1),
          source: records[1]?.eventID,
          seq: records[1]?.dynamodb?.SequenceNumber,
          // The record's stream ARN: orders it across a re-created table, names the table.
          stream: records[1]?.eventSourceARN,
        },
      ],
    });
  });

  it("hashes a group id that SQS would refuse (too long or not printable ASCII)", () => {
    expect(messageGroupIdOf(key("a", 1))).toBe('[["pk",{"S":"a"}],["sk",{"N":"1"}]]');
    expect(messageGroupIdOf(key("x".repeat(200), 1))).toMatch(/^[0-9a-f]{64}$/);
    expect(messageGroupIdOf(key("ñ", 1))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the first record not sent, and reports nothing after it as done", async () => {
    const pipeline = replicationPipeline({ fifo: false });
    for (let i = 0; i < 5; i++) pipeline.db.put("source", item("k", i));
    const records = recordsOf(pipeline.db);
    const broken: DynamoDBRecord = {
      ...records[3],
      eventID: "broken",
      dynamodb: { SequenceNumber: "x" },
    } as DynamoDBRecord;
    pipeline.sqs.fault = () => ({
      failEntry: (entry) =>
        entry.body.includes('"sk":{"N":"2"}')
          ? { code: "ServiceUnavailable", senderFault: false }
          : undefined,
    });
    const event = {
      Records: [records[0], records[1], records[2], broken, records[4]] as DynamoDBRecord[],
    };
    const response = await pipeline.streamHandler(event, testContext());
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[2]?.dynamodb?.SequenceNumber }],
    });
    expect(pipeline.rejects.records).toEqual([]);
    pipeline.sqs.fault = undefined;
    const retry = await pipeline.streamHandler({ Records: event.Records.slice(2) }, testContext());
    expect(retry).toEqual({ batchItemFailures: [] });
    expect(pipeline.rejects.records).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "broken" }),
      }),
    ]);
  });

  it("rejects a change too big for a message and sends the rest", async () => {
    const pipeline = replicationPipeline({ fifo: false });
    pipeline.db.put("source", item("big", 1, { blob: { S: "é".repeat(150_000) } }));
    pipeline.db.put("source", item("small", 1));
    const response = await pipeline.streamHandler(
      { Records: recordsOf(pipeline.db) },
      testContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(pipeline.rejects.records).toHaveLength(1);
    expect(pipeline.rejects.records[0]?.identity).toMatchObject({ keys: key("big", 1) });
    expect(pipeline.sqs.peek(pipeline.queueName)).toHaveLength(1);
  });

  it("throws when the queue does not exist", async () => {
    const pipeline = replicationPipeline({ fifo: false });
    pipeline.db.put("source", item("a", 1));
    const records = recordsOf(pipeline.db);
    pipeline.sqs.fault = () => "QueueDoesNotExist";
    await expect(pipeline.streamHandler({ Records: records }, testContext())).rejects.toThrow(
      /queue/,
    );
  });
});

describe("queueToTable handler", () => {
  const setup = () => {
    const db = new InMemoryDynamoDb();
    db.createTable("replica", replicaSchema);
    const rejects = new InMemoryRejectSink();
    const handler = createQueueToTableHandler({
      table: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
      rejects,
    });
    return { db, rejects, handler };
  };
  const put = (i: number, seq: string, v = seq) =>
    encodeMessageBody([putOf(item("k", i, { v: { S: v } }), replicaSchema, `evt-${seq}`, seq)]);

  it("writes the seed's bare images", async () => {
    const { db, handler } = setup();
    const response = await handler(
      sqsEvent(sqsRecord(JSON.stringify(item("seed", 1, { x: { S: "y" } })))),
      testContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(db.get("replica", key("seed", 1))).toEqual(item("seed", 1, { x: { S: "y" } }));
  });

  it("rejects and acknowledges an invalid message while the others are written", async () => {
    const { db, rejects, handler } = setup();
    const bad = sqsRecord("{not json", { messageId: "bad" });
    const response = await handler(
      sqsEvent(sqsRecord(put(1, "10")), bad, sqsRecord(put(2, "11"))),
      testContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(rejects.records).toEqual([
      {
        error: expect.objectContaining({ recordId: "bad", field: "$" }),
        identity: expect.objectContaining({ messageId: "bad" }),
        original: bad,
      },
    ]);
    expect(db.scan("replica")).toHaveLength(2);
  });

  it("lets the highest sequence number win inside a batch, whatever the delivery order", async () => {
    const { db, handler } = setup();
    const event = sqsEvent(
      sqsRecord(put(1, "30")),
      sqsRecord(put(1, "9")),
      sqsRecord(put(1, "20")),
    );
    await handler(event, testContext());
    expect(db.get("replica", key("k", 1))).toEqual(item("k", 1, { v: { S: "30" } }));
    const removal = encodeMessageBody([deleteOf(key("k", 1), "evt-31", "31")]);
    await handler(sqsEvent(sqsRecord(removal), sqsRecord(put(1, "30"))), testContext());
    expect(db.get("replica", key("k", 1))).toBeUndefined();
  });

  it("reports the messages whose writes failed transiently", async () => {
    const { db, handler } = setup();
    db.fault = (operation) => (operation === "BatchWriteItem" ? "ThrottlingException" : undefined);
    const a = sqsRecord(put(1, "1"), { messageId: "a" });
    const b = sqsRecord(put(2, "2"), { messageId: "b" });
    const response = await handler(sqsEvent(a, b), testContext());
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: "a" }, { itemIdentifier: "b" }],
    });
  });

  it("on FIFO queues fails every later message of a group once one of it failed", async () => {
    const run = async (grouped: boolean) => {
      const { db, handler } = setup();
      let calls = 0;
      // The first BatchWriteItem (25 commands) is throttled until its retries run out; the
      // second one (the 26th command) lands.
      db.fault = (operation) =>
        operation === "BatchWriteItem" && ++calls <= 8 ? "ThrottlingException" : undefined;
      const records = Array.from({ length: 26 }, (_, i) =>
        sqsRecord(put(i, String(100 + i)), {
          messageId: `m${i}`,
          ...(grouped ? { groupId: i < 13 ? "G1" : "G2" } : {}),
        }),
      );
      const response = await handler(sqsEvent(...records), testContext());
      return {
        failed: (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier),
        written: db.get("replica", key("k", 25)) !== undefined,
      };
    };
    const all = Array.from({ length: 26 }, (_, i) => `m${i}`);
    expect(await run(false)).toEqual({ failed: all.slice(0, 25), written: true });
    expect(await run(true)).toEqual({ failed: all, written: true });
  });

  it("throws when the table does not exist (the whole batch is retried)", async () => {
    const { rejects } = setup();
    const handler = createQueueToTableHandler({
      table: new InMemoryTableWriter(new InMemoryDynamoDb(), "missing", noWaitRetryEnv),
      rejects,
    });
    await expect(handler(sqsEvent(sqsRecord(put(1, "1"))), testContext())).rejects.toThrow(
      /missing/,
    );
  });
});
