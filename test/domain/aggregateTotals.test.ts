import { describe, expect, it } from "vitest";
import { MARKER_PREFIX, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { addOrder, compareTotals, emptyGroupBy } from "../../domain/aggregateTotals.js";

const layout = markerLayoutOf(seedAggregateSpec);
const key = (day: string, item: string) => ({
  order_date: { S: day },
  item_number: { S: item },
});
const order = (date: string, item: string, quantity: string) => ({
  order_date: { S: date },
  item_id: { S: item },
  quantity: { N: quantity },
});

describe("the group-by of a source table against its stored totals", () => {
  it("sums exactly per UTC day and item, and reports unreadable orders", () => {
    const sums = emptyGroupBy();
    addOrder(sums, seedAggregateSpec, order("2026-11-21T01:00:00Z", "a", "0.1"), "o1");
    addOrder(sums, seedAggregateSpec, order("2026-11-21", "a", "0.2"), "o2");
    addOrder(
      sums,
      seedAggregateSpec,
      { order_date: { S: "x" }, item_id: { S: "a" }, quantity: { N: "1" } },
      "o3",
    );
    expect([...sums.sums.values()]).toEqual([{ key: key("2026-11-21", "a"), amount: "0.3" }]);
    expect(sums.unreadable.map((e) => e.recordId)).toEqual(["o3"]);
    expect(sums.orders).toBe(3);
  });

  it("agrees on equal numbers in any notation, absent ≡ 0, and skips markers", () => {
    const sums = emptyGroupBy();
    addOrder(sums, seedAggregateSpec, order("2026-11-21", "a", "5"), "o1");
    addOrder(sums, seedAggregateSpec, order("2026-11-22", "b", "2"), "o2");
    addOrder(sums, seedAggregateSpec, order("2026-11-22", "b", "-2"), "o3");
    const stored = [
      { ...key("2026-11-21", "a"), quantity: { N: "5.00" } },
      { ...key("2026-11-23", "c"), quantity: { N: "0" } },
      { order_date: { S: `${MARKER_PREFIX}e1` }, item_number: { S: "-" } },
    ];
    expect(compareTotals(seedAggregateSpec, layout, sums, stored)).toEqual([]);
  });

  it("lists a wrong, a missing, a stray and a non-numeric total", () => {
    const sums = emptyGroupBy();
    addOrder(sums, seedAggregateSpec, order("2026-11-21", "a", "5"), "o1");
    addOrder(sums, seedAggregateSpec, order("2026-11-21", "b", "1"), "o2");
    addOrder(sums, seedAggregateSpec, order("2026-11-21", "c", "1"), "o3");
    const stored = [
      { ...key("2026-11-21", "a"), quantity: { N: "6" } },
      { ...key("2026-11-21", "c"), quantity: { S: "1" } },
      { ...key("2026-11-29", "z"), quantity: { N: "3" } },
    ];
    expect(compareTotals(seedAggregateSpec, layout, sums, stored)).toEqual([
      { key: key("2026-11-21", "a"), expected: "5", found: "6" },
      { key: key("2026-11-21", "b"), expected: "1", found: undefined },
      { key: key("2026-11-21", "c"), expected: "1", found: '{"S":"1"}' },
      { key: key("2026-11-29", "z"), expected: "0", found: "3" },
    ]);
  });
});
