import type { StreamViewType } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { applyChanges, scanTable } from "../../bin/emulatorResources.js";
import { seedOrders } from "../../bin/scenarioData.js";
import { MARKER_PREFIX } from "../../domain/aggregateMarkers.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { handler as streamAggregate } from "../../handlers/streamAggregate.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { createViewTypeTable, pollRejects } from "../support/viewTypeTables.js";

/** README's AGGREGATE_SPEC example, verbatim. */
const README_SPEC =
  '{"groupBy":[{"target":"order_date","source":"order_date","transform":"day"},{"target":"item_number","source":"item_id"}],"sum":{"source":"quantity","target":"quantity"}}';

const totalsKey = { partitionKey: "order_date", sortKey: "item_number" };
const order = (id: string, date: string, item: string, quantity: string): AttributeMap => ({
  order_id: { S: id },
  order_date: { S: date },
  item_id: { S: item },
  quantity: { N: quantity },
});

describe("streamAggregate deployed with README's AGGREGATE_SPEC, on streams of every view type", () => {
  const c = emulatorClients();
  const totalsTable = uniqueName("totals");

  /** The totals (markers left out) as `day|item → quantity`. */
  const totals = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await scanTable(c.dynamodb, totalsTable, totalsKey))
        .filter(
          (t) => !(t.order_date && "S" in t.order_date && t.order_date.S.startsWith(MARKER_PREFIX)),
        )
        .map((t) => [
          `${t.order_date && "S" in t.order_date ? t.order_date.S : "?"}|${t.item_number && "S" in t.item_number ? t.item_number.S : "?"}`,
          t.quantity && "N" in t.quantity ? t.quantity.N : "?",
        ]),
    );
  const ordersTable = async (viewType: StreamViewType) => {
    const name = uniqueName(`orders-${viewType}`);
    return {
      name,
      streamArn: await createViewTypeTable(c.dynamodb, name, { order_id: "S" }, viewType),
    };
  };

  beforeAll(async () => {
    await createViewTypeTable(c.dynamodb, totalsTable, { order_date: "S", item_number: "S" });
    setHandlerEnvironment({ TOTALS_TABLE: totalsTable, AGGREGATE_SPEC: README_SPEC });
  });

  it("groups by both fields of the README's spec: seed 002 sums to 40 and 40 per (day, item)", async () => {
    const orders = await ordersTable("NEW_AND_OLD_IMAGES");
    await applyChanges(
      c.dynamodb,
      orders.name,
      seedOrders("2026-11-21T10:00:00Z").map((put) => ({ put })),
    );
    const run = await pollRejects(streamAggregate, c.streams, orders.streamArn);
    expect(run.responses).toEqual([{ batchItemFailures: [] }]);
    expect(run.rejected).toEqual([]);
    expect(await totals()).toEqual({ "2026-11-21|item123": "40", "2026-11-21|item312": "40" });
  });

  it("puts an order on its UTC day (offsets move it) and rejects impossible dates naming order_date", async () => {
    const orders = await ordersTable("NEW_AND_OLD_IMAGES");
    await applyChanges(c.dynamodb, orders.name, [
      { put: order("d1", "2026-11-21T23:30:00-05:00", "day-offset", "5") },
      { put: order("d2", "2026-11-21", "day-plain", "1") },
      { put: order("d3", "2026-11-21T23:30:00Z", "day-zulu", "2") },
      { put: order("d4", "2026-11-22T00:30:00+01:00", "day-east", "3") },
      { put: order("d5", "2026-02-30", "day-bad", "7") },
      { put: order("d6", "2026-13-01T10:00:00Z", "day-bad", "7") },
    ]);
    const before = await totals();
    const run = await pollRejects(streamAggregate, c.streams, orders.streamArn);
    expect(run.responses).toEqual([{ batchItemFailures: [] }]);
    expect(run.rejected.map((r) => r.error.field)).toEqual([
      "NewImage.order_date",
      "NewImage.order_date",
    ]);
    const after = await totals();
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => !(k in before)))).toEqual({
      "2026-11-22|day-offset": "5",
      "2026-11-21|day-plain": "1",
      "2026-11-21|day-zulu": "2",
      "2026-11-21|day-east": "3",
    });
  });

  /** INSERT (10), MODIFY (10 → 15), REMOVE of one order whose item is named after the view type. */
  const lifecycle = async (viewType: StreamViewType) => {
    const orders = await ordersTable(viewType);
    const item = `item-${viewType}`;
    await applyChanges(c.dynamodb, orders.name, [
      { put: order("o1", "2026-11-23T10:00:00Z", item, "10") },
      { put: order("o1", "2026-11-23T10:00:00Z", item, "15") },
      { delete: { order_id: { S: "o1" } } },
    ]);
    const run = await pollRejects(streamAggregate, c.streams, orders.streamArn);
    expect(run.records).toBe(3);
    expect(run.responses.every((r) => r.batchItemFailures.length === 0)).toBe(true);
    for (const rejected of run.rejected)
      expect(rejected.error.reason).toMatch(
        /aggregation needs a stream view type of NEW_AND_OLD_IMAGES/,
      );
    return {
      rejected: run.rejected.map((r) => r.error.field),
      total: (await totals())[`2026-11-23|${item}`],
    };
  };

  it("NEW_AND_OLD_IMAGES: counts INSERT, MODIFY and REMOVE (10, +5, −15 → nothing left)", async () => {
    const { rejected, total } = await lifecycle("NEW_AND_OLD_IMAGES");
    expect(rejected).toEqual([]);
    // One batch: the deltas cancel out and no total is written; split batches leave a zero.
    expect([undefined, "0"]).toContain(total);
  });

  it("NEW_IMAGE: counts the INSERT, rejects the MODIFY and the REMOVE (no OldImage) instead of drifting to 25", async () => {
    expect(await lifecycle("NEW_IMAGE")).toEqual({
      rejected: ["dynamodb.OldImage", "dynamodb.OldImage"],
      total: "10",
    });
  });

  it("OLD_IMAGE: rejects the INSERT and the MODIFY (no NewImage), counts the REMOVE's old image", async () => {
    expect(await lifecycle("OLD_IMAGE")).toEqual({
      rejected: ["dynamodb.NewImage", "dynamodb.NewImage"],
      total: "-15",
    });
  });

  it("KEYS_ONLY: rejects all three (no images), the REMOVE included, and writes no total", async () => {
    expect(await lifecycle("KEYS_ONLY")).toEqual({
      rejected: ["dynamodb.NewImage", "dynamodb.NewImage", "dynamodb.OldImage"],
      total: undefined,
    });
  });
});
