import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { applyChanges, createKeyedTable, scanTable } from "../../bin/emulatorResources.js";
import { seedOrders } from "../../bin/scenarioData.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { withoutWatermarks } from "../../domain/totalWatermarks.js";
import { handler as streamAggregate } from "../../handlers/streamAggregate.js";
import {
  deliveredTwice,
  quickStreamPolling,
  setHandlerEnvironment,
} from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const totalsKey = { partitionKey: "order_date", sortKey: "item_number" };
const total = (item: string, quantity: string): AttributeMap => ({
  order_date: { S: "2026-11-21" },
  item_number: { S: item },
  quantity: { N: quantity },
});

describe("aggregation on the emulators: orders stream → streamAggregate → totals, exactly once", () => {
  const c = emulatorClients();
  const orders = uniqueName("orders");
  const totalsTable = uniqueName("totals");
  let streamArn = "";
  const twice = deliveredTwice(streamAggregate);
  let poller: DynamoDbStreamPoller;

  const totals = async () =>
    (await scanTable(c.dynamodb, totalsTable, totalsKey))
      .filter((item) => !isMarker(markerLayoutOf(seedAggregateSpec), item))
      .map(withoutWatermarks);

  beforeAll(async () => {
    ({ streamArn } = await createKeyedTable(
      c.dynamodb,
      orders,
      { partitionKey: "order_id" },
      true,
    ));
    await createKeyedTable(c.dynamodb, totalsTable, totalsKey);
    setHandlerEnvironment({ TOTALS_TABLE: totalsTable });
    // Every batch is handed to the handler twice in a row: at-least-once delivery at its worst.
    poller = new DynamoDbStreamPoller(c.streams, streamArn, twice.handler, {
      batchSize: 2,
      ...quickStreamPolling,
    });
  });

  it("sums seed 002 to 40 and 40 although every batch of 2 was delivered twice", async () => {
    await applyChanges(
      c.dynamodb,
      orders,
      seedOrders("2026-11-21T10:00:00Z").map((order) => ({ put: order })),
    );
    const stats = await poller.run();
    expect(stats).toEqual({ invocations: 2, failedInvocations: 0, records: 4 });
    expect(twice.events.map((e) => e.Records.length)).toEqual([2, 2]);
    expect(await totals()).toEqual([total("item123", "40"), total("item312", "40")]);
  });

  it("leaves the totals unchanged when the whole stream is delivered again (a new poller from TRIM_HORIZON)", async () => {
    const replay = await new DynamoDbStreamPoller(c.streams, streamArn, streamAggregate, {
      batchSize: 3,
      ...quickStreamPolling,
    }).run();
    expect(replay.records).toBe(4);
    expect(await totals()).toEqual([total("item123", "40"), total("item312", "40")]);
  });

  it("applies a MODIFY (−old +new) and a REMOVE (−old) once each", async () => {
    const [first, , , last] = seedOrders("2026-11-21T10:00:00Z");
    await applyChanges(c.dynamodb, orders, [
      { put: { ...first, quantity: { N: "15" } } },
      { delete: { order_id: last?.order_id ?? { S: "" } } },
    ]);
    const stats = await poller.run();
    expect(stats.records).toBe(2);
    expect(await totals()).toEqual([total("item123", "45"), total("item312", "10")]);
  });
});
