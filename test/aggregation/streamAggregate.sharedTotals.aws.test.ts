import { beforeAll, describe, expect, it } from "vitest";
import { applyChanges, scanTable } from "../../bin/emulatorResources.js";
import { MARKER_PREFIX } from "../../domain/aggregateMarkers.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { withoutWatermarks } from "../../domain/totalWatermarks.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { startFaultProxy } from "../support/faultProxy.js";
import { streamRecord } from "../support/hostileStreamRecords.js";
import {
  createViewTypeTable,
  deployedStreamAggregate,
  pollRejects,
} from "../support/viewTypeTables.js";

const spec = (sumSource: string, sumTarget: string, itemSource = "item_id") =>
  JSON.stringify({
    groupBy: [
      { target: "order_date", source: "order_date", transform: "day" },
      { target: "item_number", source: itemSource },
    ],
    sum: { source: sumSource, target: sumTarget },
  });

const text = (value: AttributeMap[string] | undefined): string =>
  value === undefined ? "?" : "S" in value ? value.S : "N" in value ? value.N : "?";

describe("totals tables shared by aggregations, and keyed by numbers (handlers deployed with their environment only)", () => {
  const c = emulatorClients();

  const totalsOf = async (table: string, sortKey = "item_number") =>
    (await scanTable(c.dynamodb, table, { partitionKey: "order_date", sortKey }))
      .filter((item) => !text(item.order_date).startsWith(MARKER_PREFIX))
      .map(withoutWatermarks)
      .map((item) =>
        Object.fromEntries(Object.entries(item).map(([name, value]) => [name, text(value)])),
      );

  let orders = "";
  let streamArn = "";
  beforeAll(async () => {
    orders = uniqueName("orders");
    streamArn = await createViewTypeTable(
      c.dynamodb,
      orders,
      { order_id: "S" },
      "NEW_AND_OLD_IMAGES",
    );
    await applyChanges(c.dynamodb, orders, [
      {
        put: {
          order_id: { S: "a" },
          order_date: { S: "2026-11-21" },
          item_id: { S: "x" },
          item_no: { N: "7" },
          quantity: { N: "2" },
          price: { N: "10.5" },
        },
      },
      {
        put: {
          order_id: { S: "b" },
          order_date: { S: "2026-11-21" },
          item_id: { S: "x" },
          item_no: { N: "7" },
          quantity: { N: "3" },
          price: { N: "1" },
        },
      },
    ]);
  });

  it("two aggregations with different specs over the same records into one totals table both produce their totals", async () => {
    const totals = uniqueName("totals-shared");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "S", item_number: "S" });
    const quantities = await deployedStreamAggregate({
      TOTALS_TABLE: totals,
      AGGREGATE_SPEC: spec("quantity", "quantity"),
    });
    const revenue = await deployedStreamAggregate({
      TOTALS_TABLE: totals,
      AGGREGATE_SPEC: spec("price", "revenue"),
    });
    for (const handler of [quantities, revenue, quantities]) {
      const run = await pollRejects(handler, c.streams, streamArn);
      expect(run.responses).toEqual([{ batchItemFailures: [] }]);
      expect(run.rejected).toEqual([]);
    }
    expect(await totalsOf(totals)).toEqual([
      { order_date: "2026-11-21", item_number: "x", quantity: "5", revenue: "11.5" },
    ]);
  });

  it("AGGREGATION_ID scopes the markers: the same spec under two ids counts twice, under one id once", async () => {
    const totals = uniqueName("totals-ids");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "S", item_number: "S" });
    for (const id of ["first", "second", "first"]) {
      const handler = await deployedStreamAggregate({
        TOTALS_TABLE: totals,
        AGGREGATE_SPEC: spec("quantity", "quantity"),
        AGGREGATION_ID: id,
      });
      await pollRejects(handler, c.streams, streamArn);
    }
    expect(await totalsOf(totals)).toEqual([
      { order_date: "2026-11-21", item_number: "x", quantity: "10" },
    ]);
  });

  it("a totals table with a numeric (N) sort key works: the marker's sort key is 0", async () => {
    const totals = uniqueName("totals-n");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "S", item_number: "N" });
    const handler = await deployedStreamAggregate({
      TOTALS_TABLE: totals,
      AGGREGATE_SPEC: spec("quantity", "quantity", "item_no"),
    });
    for (let delivery = 0; delivery < 2; delivery++) {
      const run = await pollRejects(handler, c.streams, streamArn);
      expect(run.responses).toEqual([{ batchItemFailures: [] }]);
      expect(run.rejected).toEqual([]);
    }
    expect(await totalsOf(totals)).toEqual([
      { order_date: "2026-11-21", item_number: "7", quantity: "5" },
    ]);
  });

  it("a numeric partition key cannot carry the marker prefix: the first invocation fails naming the attribute", async () => {
    const totals = uniqueName("totals-npk");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "N", item_number: "S" });
    const handler = await deployedStreamAggregate({ TOTALS_TABLE: totals });
    const record = streamRecord("INSERT", {
      keys: { order_id: { S: "a" } },
      newImage: {
        order_id: { S: "a" },
        order_date: { S: "2026-11-21" },
        item_id: { S: "x" },
        quantity: { N: "1" },
      },
    });
    await expect(handler({ Records: [record] } as never, {} as never)).rejects.toThrow(
      /totals-npk.*partition key order_date is of type N/,
    );
  });

  it("a record DynamoDB refuses (a string item on an N sort key, a total out of range) is rejected alone; the rest is applied, and a record applied before is never rejected", async () => {
    const source = uniqueName("orders-mixed");
    const arn = await createViewTypeTable(
      c.dynamodb,
      source,
      { order_id: "S" },
      "NEW_AND_OLD_IMAGES",
    );
    const totals = uniqueName("totals-mixed");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "S", item_number: "N" });
    const largest = "9".repeat(38);
    const put = (id: string, item: AttributeMap[string], quantity: string) => ({
      put: {
        order_id: { S: id },
        order_date: { S: "2026-11-21" },
        item_no: item,
        quantity: { N: quantity },
      },
    });
    await applyChanges(c.dynamodb, source, [
      put("good-1", { N: "1" }, "4"),
      put("wrong-type", { S: "one" }, "1"),
      put("big-1", { N: "2" }, largest),
      put("big-2", { N: "2" }, "0.5"), // 38 nines + 0.5: 39 significant digits
      put("good-2", { N: "1" }, "6"),
    ]);
    const handler = await deployedStreamAggregate({
      TOTALS_TABLE: totals,
      AGGREGATE_SPEC: spec("quantity", "quantity", "item_no"),
    });
    const first = await pollRejects(handler, c.streams, arn);
    expect(first.responses).toEqual([{ batchItemFailures: [] }]);
    const ids = (run: typeof first) => run.rejected.map((r) => r.identity);
    expect(first.rejected.map((r) => r.error.field)).toEqual(["$", "$"]);
    expect(JSON.stringify(ids(first))).toMatch(/wrong-type.*big-2/);
    expect(await totalsOf(totals)).toEqual([
      { order_date: "2026-11-21", item_number: "1", quantity: "10" },
      { order_date: "2026-11-21", item_number: "2", quantity: largest },
    ]);
    // Delivered again: the applied records (big-1 would now overflow too) are duplicates, and
    // the refused ones were marked done when their rejects were stored: not rejected twice.
    const again = await pollRejects(handler, c.streams, arn);
    expect(again.responses).toEqual([{ batchItemFailures: [] }]);
    expect(again.rejected).toEqual([]);
    expect(await totalsOf(totals)).toEqual([
      { order_date: "2026-11-21", item_number: "1", quantity: "10" },
      { order_date: "2026-11-21", item_number: "2", quantity: largest },
    ]);
  });

  it("retries a transaction cancelled by conflicting concurrent writes (TransactionConflict) inside the invocation", async () => {
    const totals = uniqueName("totals-conflict");
    await createViewTypeTable(c.dynamodb, totals, { order_date: "S", item_number: "S" });
    const proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
    try {
      let conflicts = 2;
      proxy.rule = ({ operation, body }) => {
        if (operation !== "TransactWriteItems" || conflicts === 0) return undefined;
        conflicts -= 1;
        const actions = (body as { TransactItems: unknown[] }).TransactItems;
        return {
          error: "TransactionCanceledException",
          message:
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
          details: {
            CancellationReasons: actions.map((_, i) =>
              i === 0
                ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
                : { Code: "None" },
            ),
          },
        };
      };
      const handler = await deployedStreamAggregate({
        TOTALS_TABLE: totals,
        AGGREGATE_SPEC: spec("quantity", "quantity"),
        AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      });
      const run = await pollRejects(handler, c.streams, streamArn);
      expect(run.responses).toEqual([{ batchItemFailures: [] }]);
      expect(conflicts).toBe(0);
      expect(proxy.calls("TransactWriteItems")).toBe(3);
      expect(await totalsOf(totals)).toEqual([
        { order_date: "2026-11-21", item_number: "x", quantity: "5" },
      ]);
    } finally {
      await proxy.close();
    }
  });

  it("refuses an AGGREGATE_SPEC whose groupBy has 0 or 3 fields, saying so, at the first invocation", async () => {
    const field = { target: "order_date", source: "order_date" };
    for (const groupBy of [[], [field, field, field]]) {
      const handler = await deployedStreamAggregate({
        TOTALS_TABLE: "totals",
        AGGREGATE_SPEC: JSON.stringify({
          groupBy,
          sum: { source: "quantity", target: "quantity" },
        }),
      });
      await expect(handler({ Records: [] }, {} as never)).rejects.toThrow(
        new RegExp(
          `AGGREGATE_SPEC is not an aggregate spec: groupBy must list 1 or 2 fields .*got ${groupBy.length}`,
        ),
      );
    }
  });
});
