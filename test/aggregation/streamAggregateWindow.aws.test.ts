import type { DynamoDBRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { applyChanges, createKeyedTable, scanTable } from "../../bin/emulatorResources.js";
import { seedOrders } from "../../bin/scenarioData.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { shardWatermarks } from "../../domain/regimeStamps.js";
import { quickStreamPolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

// The deployable handler, environment only, on DynamoDB Local, fed the stream's real records in
// tumbling-window events (as Lambda builds them with TumblingWindowInSeconds > 0, docs "Using
// tumbling windows with DynamoDB streams": shardId, window, state, isFinalInvokeForWindow; the
// response must carry a state object).

const totalsKey = { partitionKey: "order_date", sortKey: "item_number" };
const layout = markerLayoutOf(seedAggregateSpec);

/** A fresh cold start of the deployable handler with this environment. */
const coldStart = async (variables: Record<string, string>) => {
  delete process.env.PARALLELIZATION_FACTOR;
  setHandlerEnvironment(variables);
  vi.resetModules();
  return (await import("../../handlers/streamAggregate.js")).handler;
};

describe("streamAggregate in tumbling-window invocations, on DynamoDB Local", () => {
  const c = emulatorClients();
  const orders = uniqueName("orders");
  let records: DynamoDBRecord[] = [];
  const windowEvent = (
    batch: ReadonlyArray<DynamoDBRecord>,
    state: Record<string, string>,
    shardId = "shardId-00000001700000000000-0000abcd",
  ) => ({
    Records: [...batch],
    shardId,
    eventSourceARN: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-30",
    window: { start: "2026-11-30T00:00:00Z", end: "2026-11-30T00:01:00Z" },
    state,
    isFinalInvokeForWindow: false,
    isWindowTerminatedEarly: false,
  });
  const tableOf = async (name: string) => {
    const items = await scanTable(c.dynamodb, name, totalsKey);
    return {
      totals: items
        .filter((item) => !isMarker(layout, item))
        .map((item) => [item.item_number, item.quantity]),
      markers: items.filter((item) => isMarker(layout, item)).length,
      /** Shard watermarks, over all totals. */
      watermarks: items.flatMap((item) => shardWatermarks(item)).length,
    };
  };
  const seedTotals = [
    [{ S: "item123" }, { N: "40" }],
    [{ S: "item312" }, { N: "40" }],
  ];

  afterAll(() => {
    delete process.env.PARALLELIZATION_FACTOR;
  });

  beforeAll(async () => {
    const { streamArn } = await createKeyedTable(
      c.dynamodb,
      orders,
      { partitionKey: "order_id" },
      true,
    );
    await applyChanges(
      c.dynamodb,
      orders,
      seedOrders("2026-11-21T10:00:00Z").map((order) => ({ put: order })),
    );
    await new DynamoDbStreamPoller(
      c.streams,
      streamArn,
      async (event) => {
        records.push(...event.Records);
        return { batchItemFailures: [] };
      },
      { batchSize: 100, ...quickStreamPolling },
    ).run();
    records = records.slice(0, 4);
  });

  it("watermark mode: answers with the state, one watermark per total and no marker, redeliveries skipped", async () => {
    expect(records).toHaveLength(4);
    const totals = uniqueName("totals");
    await createKeyedTable(c.dynamodb, totals, totalsKey);
    const handler = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
    const context = localContext("streamAggregate", 60_000);
    expect(await handler(windowEvent(records.slice(0, 3), { seen: "1" }), context)).toEqual({
      batchItemFailures: [],
      state: { seen: "1" },
    });
    // Redelivered: the whole batch again, a bisected half, then from the checkpoint on.
    await handler(windowEvent(records.slice(0, 3), {}), context);
    await handler(windowEvent(records.slice(1, 2), {}), context);
    await handler(windowEvent(records.slice(1), {}), context);
    expect(await tableOf(totals)).toEqual({ totals: seedTotals, markers: 0, watermarks: 2 });
  });

  it("watermark mode, two shards into one totals table: each total keeps one watermark per shard", async () => {
    const totals = uniqueName("totals");
    await createKeyedTable(c.dynamodb, totals, totalsKey);
    const handler = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
    const context = localContext("streamAggregate", 60_000);
    // Another table's stream (shard B) with the same orders: its sequence numbers may be lower
    // or higher than shard A's; neither shard's watermark may hide the other's records.
    const other = records.map((r) => ({ ...r, eventID: `b-${r.eventID}` }));
    const shardB = "shardId-00000001700000000000-0000beef";
    await handler(windowEvent(records.slice(0, 2), {}), context);
    await handler(windowEvent(other.slice(0, 3), {}, shardB), context);
    await handler(windowEvent(records.slice(0, 4), {}), context);
    await handler(windowEvent(other.slice(1), {}, shardB), context);
    await handler(windowEvent(records.slice(3), {}), context);
    expect(await tableOf(totals)).toEqual({
      totals: seedTotals.map(([item]) => [item, { N: "80" }]),
      markers: 0,
      watermarks: 4,
    });
  });

  it("PARALLELIZATION_FACTOR=2: marker mode, even with a shard id", async () => {
    const totals = uniqueName("totals");
    await createKeyedTable(c.dynamodb, totals, totalsKey);
    const handler = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "2" });
    const context = localContext("streamAggregate", 60_000);
    // Concurrent batches of one shard: the later one first, then the earlier one, then again.
    await handler(windowEvent(records.slice(2), {}), context);
    await handler(windowEvent(records.slice(0, 2), {}), context);
    await handler(windowEvent(records, {}), context);
    expect(await tableOf(totals)).toEqual({ totals: seedTotals, markers: 4, watermarks: 0 });
  });

  it("no window: marker mode, and the response has no state", async () => {
    const totals = uniqueName("totals");
    await createKeyedTable(c.dynamodb, totals, totalsKey);
    const handler = await coldStart({ TOTALS_TABLE: totals });
    const context = localContext("streamAggregate", 60_000);
    expect(await handler({ Records: records }, context)).toEqual({ batchItemFailures: [] });
    expect(await tableOf(totals)).toEqual({ totals: seedTotals, markers: 4, watermarks: 0 });
  });
});
