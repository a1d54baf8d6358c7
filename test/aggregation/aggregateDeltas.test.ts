import { describe, expect, it } from "vitest";
import { coalesce, deltasOf } from "../../domain/aggregateDeltas.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { change, order } from "../support/streams.js";

const total = (day: string, item: string) => ({ order_date: { S: day }, item_number: { S: item } });

describe("deltasOf (seed 002 spec)", () => {
  it("adds the new quantity on INSERT, keyed by the day of order_date", () => {
    const result = deltasOf(
      seedAggregateSpec,
      change("INSERT", { newImage: order("1", "2026-11-21T10:00:00Z", "item123", "10") }),
    );
    expect(result.deltas).toEqual([{ key: total("2026-11-21", "item123"), amount: "10" }]);
    expect(result.errors).toEqual([]);
  });

  it("subtracts the old quantity on REMOVE", () => {
    const result = deltasOf(
      seedAggregateSpec,
      change("REMOVE", { oldImage: order("1", "2026-11-21", "item123", "30") }),
    );
    expect(result.deltas).toEqual([{ key: total("2026-11-21", "item123"), amount: "-30" }]);
  });

  it("nets old and new on MODIFY of the same total", () => {
    const result = deltasOf(
      seedAggregateSpec,
      change("MODIFY", {
        oldImage: order("1", "2026-11-21", "a", "10"),
        newImage: order("1", "2026-11-21T23:59:59Z", "a", "14"),
      }),
    );
    expect(result.deltas).toEqual([{ key: total("2026-11-21", "a"), amount: "4" }]);
  });

  it("moves the quantity when a MODIFY changes the day or the item", () => {
    const result = deltasOf(
      seedAggregateSpec,
      change("MODIFY", {
        oldImage: order("1", "2026-11-21", "a", "10"),
        newImage: order("1", "2026-11-22", "b", "10"),
      }),
    );
    expect(result.deltas).toEqual([
      { key: total("2026-11-21", "a"), amount: "-10" },
      { key: total("2026-11-22", "b"), amount: "10" },
    ]);
  });

  it("emits nothing when a MODIFY leaves the aggregated fields alone", () => {
    const before = order("1", "2026-11-21", "a", "10");
    const result = deltasOf(
      seedAggregateSpec,
      change("MODIFY", { oldImage: before, newImage: { ...before, note: { S: "x" } } }),
    );
    expect(result.deltas).toEqual([]);
  });

  it("keeps every digit of 38-digit quantities", () => {
    const big = "12345678901234567890123456789012345678";
    const result = deltasOf(
      seedAggregateSpec,
      change("MODIFY", {
        oldImage: order("1", "2026-11-21", "a", big),
        newImage: order("1", "2026-11-21", "a", `${big.slice(0, -1)}9`),
      }),
    );
    expect(result.deltas).toEqual([{ key: total("2026-11-21", "a"), amount: "1" }]);
  });

  it("names the record and the field when the quantity is not a number, and still removes the old one", () => {
    const c = change("MODIFY", {
      oldImage: order("1", "2026-11-21", "a", "10"),
      newImage: { ...order("1", "2026-11-21", "a", "0"), quantity: { S: "ten" } },
    });
    const result = deltasOf(seedAggregateSpec, c);
    expect(result.errors).toEqual([
      {
        _tag: "InvalidRecord",
        recordId: c.eventId,
        field: "NewImage.quantity",
        reason: "expected a number (N)",
      },
    ]);
    expect(result.deltas).toEqual([{ key: total("2026-11-21", "a"), amount: "-10" }]);
  });

  it("rejects an order_date that is not an ISO date, naming the field", () => {
    const c = change("INSERT", { newImage: order("1", "21/11/2026", "a", "3") });
    expect(deltasOf(seedAggregateSpec, c).errors[0]?.field).toBe("NewImage.order_date");
  });

  it("rejects an order with a quantity but no item, naming the field", () => {
    const { item_id: _, ...noItem } = order("1", "2026-11-21", "a", "3");
    const c = change("INSERT", { newImage: noItem });
    expect(deltasOf(seedAggregateSpec, c).errors[0]).toMatchObject({
      recordId: c.eventId,
      field: "NewImage.item_id",
    });
  });

  it("ignores images without a quantity or with a zero quantity", () => {
    const { quantity: _, ...noQuantity } = order("1", "2026-11-21", "a", "3");
    expect(deltasOf(seedAggregateSpec, change("INSERT", { newImage: noQuantity }))).toMatchObject({
      deltas: [],
      errors: [],
    });
    expect(
      deltasOf(
        seedAggregateSpec,
        change("INSERT", { newImage: order("1", "2026-11-21", "a", "0") }),
      ),
    ).toMatchObject({ deltas: [], errors: [] });
  });
});

describe("coalesce", () => {
  it("sums per total exactly and drops totals that net to zero", () => {
    const a = total("2026-11-21", "a");
    const b = total("2026-11-21", "b");
    expect(
      coalesce([
        { key: a, amount: "0.1" },
        { key: b, amount: "5" },
        { key: a, amount: "0.2" },
        { key: b, amount: "-5" },
      ]),
    ).toEqual([{ key: a, amount: "0.3" }]);
  });
});
