import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { fromSdkItem, toSdkItem } from "../../adapters/shared/sdkAttributes.js";
import { createQueueWithDlq, queueDepth } from "../../bin/emulatorResources.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { decodeRejectDocument, type RejectDocument } from "../../domain/rejectDocument.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { createTable, emulatorClients, uniqueName } from "../support/emulators.js";

/**
 * Version items across source streams, through the deployable handlers (environment variables
 * only) on DynamoDB Local and moto SQS, with VERSION_TABLE. Stream records are built by hand, as
 * Lambda delivers them (`eventSourceARN` = `arn:aws:dynamodb:…:table/<name>/stream/<label>`), so
 * a re-created table's new stream can start at LOWER sequence numbers than the old one's.
 */
const c = emulatorClients();

const arnOf = (table: string, label: string) =>
  `arn:aws:dynamodb:us-east-1:123456789012:table/${table}/stream/${label}`;
const tableOf = (table: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${table}`;

let events = 0;
/** A stream record of `users`' key `user-1`: the new image (or, without one, a REMOVE). */
const recordOf = (arn: string, seq: string, image?: AttributeMap): DynamoDBRecord => ({
  eventID: `evt-${++events}`,
  eventName: image === undefined ? "REMOVE" : "INSERT",
  eventVersion: "1.1",
  eventSource: "aws:dynamodb",
  awsRegion: "us-east-1",
  eventSourceARN: arn,
  dynamodb: {
    Keys: { id: { S: "user-1" } },
    SequenceNumber: seq,
    ...(image === undefined ? {} : { NewImage: image as never }),
    StreamViewType: "NEW_AND_OLD_IMAGES",
  },
});
const user = (v: string): AttributeMap => ({ id: { S: "user-1" }, v: { S: v } });

/** streamToQueue → FIFO queue → queueToTable (TABLE_NAME, VERSION_TABLE, REJECT_DESTINATION). */
const pipeline = async () => {
  const replica = await createTable(c.dynamodb, "streams-replica", { id: "S" });
  const versions = await createTable(c.dynamodb, "streams-versions", { pk: "S" });
  const queue = await createQueueWithDlq(c.sqs, `${uniqueName("streams")}.fifo`, {
    maxReceiveCount: 5,
  });
  const rejects = await createQueueWithDlq(c.sqs, uniqueName("streams-rejects"), {
    maxReceiveCount: 10,
  });
  setHandlerEnvironment({
    QUEUE_URL: queue.url,
    TABLE_NAME: replica.name,
    VERSION_TABLE: versions.name,
    REJECT_DESTINATION: rejects.url,
  });
  vi.resetModules();
  const streamToQueue = (await import("../../handlers/streamToQueue.js")).handler;
  const queueToTable = (await import("../../handlers/queueToTable.js")).handler;
  const consumer = new SqsPoller(c.sqs, queue.url, queueToTable, quickQueuePolling);
  return {
    /** One streamToQueue invocation of these records, then the queue drained into the replica. */
    deliver: async (...records: DynamoDBRecord[]) => {
      const response = await streamToQueue(
        { Records: records } as never,
        localContext("streamToQueue"),
      );
      expect(response).toEqual({ batchItemFailures: [] });
      await consumer.run();
      expect(await queueDepth(c.sqs, queue.url)).toBe(0);
      expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(0);
    },
    item: async (): Promise<AttributeMap | undefined> => {
      const { Item } = await c.dynamodb.send(
        new GetItemCommand({
          TableName: replica.name,
          Key: toSdkItem({ id: { S: "user-1" } }),
          ConsistentRead: true,
        }),
      );
      return Item === undefined ? undefined : fromSdkItem(Item);
    },
    /** The reject documents written so far (read and deleted). */
    rejected: async (): Promise<RejectDocument[]> => {
      const { Messages = [] } = await c.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: rejects.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      if (Messages.length > 0)
        await c.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: rejects.url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      return Messages.map((m) => {
        const document = decodeRejectDocument(m.Body ?? "");
        if (document._tag === "Left") throw new Error(`not a reject document: ${m.Body}`);
        return document.right;
      });
    },
  };
};

describe("queueToTable with VERSION_TABLE, changes of several source streams", () => {
  it("a re-created source table (a newer stream label, lower sequence numbers) replicates; its old stream's late changes do not overwrite it", async () => {
    const p = await pipeline();
    const old = arnOf("users", "2026-01-10T08:00:00.000");
    const recreated = arnOf("users", "2026-03-02T09:30:00.000");
    await p.deliver(recordOf(old, "900000000000000000000", user("old")));
    expect(await p.item()).toEqual(user("old"));
    await p.deliver(recordOf(recreated, "100000000000000000000", user("new")));
    expect(await p.item()).toEqual(user("new"));
    // A change of the old table replayed late (a dead letter, say): older than the new stream.
    await p.deliver(recordOf(old, "950000000000000000000", user("old, late")));
    expect(await p.item()).toEqual(user("new"));
    await p.deliver(recordOf(recreated, "200000000000000000000"));
    expect(await p.item()).toBeUndefined();
    expect(await p.rejected()).toEqual([]);
  }, 60_000);

  it("a second source table fails loudly at its first change of a key the first one wrote: rejected naming both tables", async () => {
    const p = await pipeline();
    const first = arnOf("users-eu", "2026-01-10T08:00:00.000");
    const second = arnOf("users-us", "2026-02-01T00:00:00.000");
    await p.deliver(recordOf(first, "100000000000000000000", user("eu 1")));
    await p.deliver(recordOf(second, "500000000000000000000", user("us 1")));
    expect(await p.item()).toEqual(user("eu 1"));
    const [document, ...more] = await p.rejected();
    expect(more).toEqual([]);
    expect(document).toMatchObject({ entryPoint: "queueToTable", field: "stream" });
    expect(document?.reason).toContain(tableOf("users-eu"));
    expect(document?.reason).toContain(tableOf("users-us"));
    // The first table goes on replicating.
    await p.deliver(recordOf(first, "200000000000000000000", user("eu 2")));
    expect(await p.item()).toEqual(user("eu 2"));
    expect(await p.rejected()).toEqual([]);
  }, 60_000);

  it("two source tables' changes of one key in one batch: one is applied, the other rejected naming both tables", async () => {
    const p = await pipeline();
    const first = arnOf("users-eu", "2026-01-10T08:00:00.000");
    const second = arnOf("users-us", "2026-02-01T00:00:00.000");
    await p.deliver(
      recordOf(first, "100000000000000000000", user("eu 1")),
      recordOf(second, "500000000000000000000", user("us 1")),
    );
    const rejected = await p.rejected();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toContain(tableOf("users-eu"));
    expect(rejected[0]?.reason).toContain(tableOf("users-us"));
    expect([user("eu 1"), user("us 1")]).toContainEqual(await p.item());
  }, 60_000);
});
