/** Shared helpers of the aggregation tests on DynamoDB Local through the deployable handler. */
import { DescribeStreamCommand } from "@aws-sdk/client-dynamodb-streams";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { DynamoDBRecord } from "aws-lambda";
import { vi } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { applyChanges, createKeyedTable, scanTable } from "../../bin/emulatorResources.js";
import type { TableChange } from "../../bin/scenarioData.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { decodeRejectDocument } from "../../domain/rejectDocument.js";
import { quickStreamPolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";

export const totalsKey = { partitionKey: "order_date", sortKey: "item_number" };
const layout = markerLayoutOf(seedAggregateSpec);
export const c = emulatorClients();

/** A cold start of the deployable handler with exactly this environment. */
export const coldStart = async (variables: Record<string, string>) => {
  delete process.env.PARALLELIZATION_FACTOR;
  delete process.env.REJECT_DESTINATION;
  delete process.env.AGGREGATION_ID;
  setHandlerEnvironment(variables);
  vi.resetModules();
  return (await import("../../handlers/streamAggregate.js")).handler;
};

/** A fresh orders table after these changes, its stream's records and its one shard. */
export const ordersAfter = async (changes: ReadonlyArray<TableChange>) => {
  const table = uniqueName("orders");
  const { streamArn } = await createKeyedTable(
    c.dynamodb,
    table,
    { partitionKey: "order_id" },
    true,
  );
  await applyChanges(c.dynamodb, table, changes);
  const records: DynamoDBRecord[] = [];
  await new DynamoDbStreamPoller(
    c.streams,
    streamArn,
    async (event) => {
      records.push(...event.Records);
      return { batchItemFailures: [] };
    },
    { batchSize: 100, ...quickStreamPolling },
  ).run();
  const description = await c.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const shardId = description.StreamDescription?.Shards?.[0]?.ShardId ?? "";
  return { records, shardId, streamArn, table };
};

/** An order of the seed's shape, on 2026-11-21. */
export const order = (id: string, item: string, quantity: string): AttributeMap => ({
  order_id: { S: id },
  order_date: { S: "2026-11-21T10:00:00Z" },
  item_id: { S: item },
  quantity: { N: quantity },
});

/** The event Lambda builds with a tumbling window on this shard. */
export const windowed = (records: ReadonlyArray<DynamoDBRecord>, shardId: string) => ({
  Records: [...records],
  shardId,
  window: { start: "2026-11-21T10:00:00Z", end: "2026-11-21T10:15:00Z" },
  state: {},
  isFinalInvokeForWindow: false,
  isWindowTerminatedEarly: false,
});
/** The event Lambda builds without a tumbling window. */
export const plain = (records: ReadonlyArray<DynamoDBRecord>) => ({ Records: [...records] });

/** The totals as `item → quantity`, bookkeeping left out. */
export const totalsOf = async (table: string) =>
  Object.fromEntries(
    (await scanTable(c.dynamodb, table, totalsKey))
      .filter((item) => !isMarker(layout, item))
      .map((item) => [(item.item_number as { S: string }).S, (item.quantity as { N: string }).N]),
  );

/**
 * A reject queue on moto: its URL as REJECT_DESTINATION takes it (the emulator's form) and as
 * the SQS client answers it.
 */
export const rejectsQueue = async (name = uniqueName("rejects")) => {
  const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: `${emulatorEndpoints().moto}/123456789012/${name}`, QueueUrl: QueueUrl ?? "" };
};

/** The record ids of the reject documents in the queue, received (and left invisible). */
export const rejectIds = async (QueueUrl: string) => {
  const ids: string[] = [];
  for (;;) {
    const got = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) return ids;
    for (const m of messages) {
      const d = decodeRejectDocument(m.Body ?? "");
      ids.push(d._tag === "Right" ? d.right.recordId : "undecodable");
    }
  }
};

/** The total an UpdateItem request writes (its `item_number`), as a fault proxy sees it. */
export const updatedItemOf = (body: unknown) =>
  (body as { Key?: { item_number?: { S?: string } } }).Key?.item_number?.S;

/** A fresh totals table keyed as the seed's. */
export const freshTotals = async () => {
  const table = uniqueName("totals");
  await createKeyedTable(c.dynamodb, table, totalsKey);
  return table;
};
