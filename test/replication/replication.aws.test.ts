import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import {
  applyChanges,
  createKeyedTable,
  createQueueWithDlq,
  queueDepth,
  scanTable,
} from "../../bin/emulatorResources.js";
import { replicationChanges, replicationKey } from "../../bin/scenarioData.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { handler as streamToQueue } from "../../handlers/streamToQueue.js";
import {
  quickQueuePolling,
  quickStreamPolling,
  setHandlerEnvironment,
} from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const withId = (items: ReadonlyArray<AttributeMap>, id: string) =>
  items.find((item) => item.id !== undefined && "S" in item.id && item.id.S === id);

describe("replication on the emulators: stream → streamToQueue → SQS FIFO → queueToTable → replica", () => {
  const c = emulatorClients();
  const source = uniqueName("source");
  const replica = uniqueName("replica");
  let queue: { readonly url: string; readonly dlqUrl: string };
  let streamPoller: DynamoDbStreamPoller;
  let queuePoller: SqsPoller;

  /** Delivers the new stream records to the queue, then the queue to the replica. */
  const pump = async () => ({
    stream: await streamPoller.run(),
    queue: await queuePoller.run(),
  });
  const tables = async () => ({
    source: await scanTable(c.dynamodb, source, replicationKey),
    replica: await scanTable(c.dynamodb, replica, replicationKey),
  });

  beforeAll(async () => {
    const { streamArn } = await createKeyedTable(c.dynamodb, source, replicationKey, true);
    await createKeyedTable(c.dynamodb, replica, replicationKey);
    queue = await createQueueWithDlq(c.sqs, `${uniqueName("replica")}.fifo`, {
      maxReceiveCount: 5,
    });
    setHandlerEnvironment({ QUEUE_URL: queue.url, TABLE_NAME: replica });
    streamPoller = new DynamoDbStreamPoller(c.streams, streamArn, streamToQueue, {
      batchSize: 100,
      ...quickStreamPolling,
    });
    queuePoller = new SqsPoller(c.sqs, queue.url, queueToTable, {
      batchSize: 10,
      ...quickQueuePolling,
    });
  });

  it("makes the replica equal the source for seed 000 (update, delete, sets, binary, 38 digits)", async () => {
    await applyChanges(c.dynamodb, source, replicationChanges());
    const stats = await pump();
    expect(stats.stream.records).toBe(15);
    expect(stats.queue.deleted).toBe(15);
    expect(stats.queue.failed).toBe(0);
    const { source: expected, replica: actual } = await tables();
    expect(actual).toEqual(expected);
    expect(actual).toHaveLength(12);
    expect(withId(actual, "user-07")).toBeUndefined();
    expect(withId(actual, "user-03")?.credit).toEqual({
      N: "12345678901234567890123456789012345678",
    });
    expect(withId(actual, "user-13")).toEqual({
      id: { S: "user-13" },
      tags: { SS: ["beta", "eu"] },
      avatar: { B: "iVBORw0KGgo=" },
      prefs: { M: { lang: { S: "es" } } },
    });
    expect(await queueDepth(c.sqs, queue.url)).toBe(0);
    expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(0);
  });

  it("carries later MODIFY and REMOVE of replicated items to the replica", async () => {
    await applyChanges(c.dynamodb, source, [
      { put: { id: { S: "user-01" }, plan: { S: "pro" }, credit: { N: "0.000001" } } },
      { delete: { id: { S: "user-02" } } },
      { put: { id: { S: "user-13" }, tags: { SS: ["eu"] } } },
      { put: { id: { S: "user-20" }, flags: { L: [{ BOOL: true }, { NULL: true }] } } },
      { put: { id: { S: "user-20" }, flags: { L: [{ BOOL: false }] } } },
    ]);
    const stats = await pump();
    expect(stats.stream.records).toBe(5);
    const { source: expected, replica: actual } = await tables();
    expect(actual).toEqual(expected);
    expect(withId(actual, "user-02")).toBeUndefined();
    expect(withId(actual, "user-01")).toEqual({
      id: { S: "user-01" },
      plan: { S: "pro" },
      credit: { N: "0.000001" },
    });
    expect(withId(actual, "user-13")).toEqual({
      id: { S: "user-13" },
      tags: { SS: ["eu"] },
    });
    expect(withId(actual, "user-20")?.flags).toEqual({
      L: [{ BOOL: false }],
    });
  });
});
