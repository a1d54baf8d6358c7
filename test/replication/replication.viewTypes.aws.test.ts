import type { StreamViewType } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { applyChanges, createQueueWithDlq, scanTable } from "../../bin/emulatorResources.js";
import { replicationKey } from "../../bin/scenarioData.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { handler as streamToQueue } from "../../handlers/streamToQueue.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { createViewTypeTable, pollRejects } from "../support/viewTypeTables.js";

/**
 * Replication writes the new image, which DynamoDB Streams carries with the view types NEW_IMAGE
 * and NEW_AND_OLD_IMAGES only (KEYS_ONLY: keys; OLD_IMAGE: the image before the change).
 */
describe("replication deployed, on streams of every view type", () => {
  const c = emulatorClients();
  const replica = uniqueName("vt-replica");
  let queuePoller: SqsPoller;

  beforeAll(async () => {
    await createViewTypeTable(c.dynamodb, replica, { id: "S" });
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("vt")}.fifo`, {
      maxReceiveCount: 5,
    });
    setHandlerEnvironment({ QUEUE_URL: queue.url, TABLE_NAME: replica });
    queuePoller = new SqsPoller(c.sqs, queue.url, queueToTable, {
      batchSize: 10,
      ...quickQueuePolling,
    });
  });

  const replicate = async (viewType: StreamViewType) => {
    const source = uniqueName(`vt-source-${viewType}`);
    const streamArn = await createViewTypeTable(c.dynamodb, source, { id: "S" }, viewType);
    const id = { S: `user-${viewType}` };
    await applyChanges(c.dynamodb, source, [
      { put: { id, plan: { S: "free" } } },
      { put: { id, plan: { S: "pro" } } },
    ]);
    const run = await pollRejects(streamToQueue, c.streams, streamArn);
    await queuePoller.run();
    const copied = (await scanTable(c.dynamodb, replica, replicationKey)).filter(
      (item) => JSON.stringify(item.id) === JSON.stringify(id),
    );
    return { run, copied };
  };

  for (const viewType of ["NEW_IMAGE", "NEW_AND_OLD_IMAGES"] as const)
    it(`${viewType}: the replica gets the new image`, async () => {
      const { run, copied } = await replicate(viewType);
      expect(run.rejected).toEqual([]);
      expect(copied).toEqual([{ id: { S: `user-${viewType}` }, plan: { S: "pro" } }]);
    });

  for (const viewType of ["KEYS_ONLY", "OLD_IMAGE"] as const)
    it(`${viewType}: INSERT and MODIFY are rejected saying which view types replication needs`, async () => {
      const { run, copied } = await replicate(viewType);
      expect(run.responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
      expect(run.rejected.map((r) => r.error.field)).toEqual([
        "dynamodb.NewImage",
        "dynamodb.NewImage",
      ]);
      for (const rejected of run.rejected)
        expect(rejected.error.reason).toMatch(
          /replication needs a stream view type of NEW_IMAGE or NEW_AND_OLD_IMAGES/,
        );
      expect(copied).toEqual([]);
    });
});
