import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  aggregationIdOf,
  fitMarkerLayout,
  isMarker,
  markerKey,
  markerLayoutOf,
} from "../../domain/aggregateMarkers.js";
import {
  AggregateSpecCodec,
  aggregateSpecProblem,
  seedAggregateSpec,
} from "../../domain/aggregateSpec.js";
import { utcDayOf } from "../../domain/isoDay.js";

const field = (name: string) => ({ target: name, source: name });
const withGroupBy = (groupBy: unknown) => ({ groupBy, sum: { source: "q", target: "q" } });

describe("AGGREGATE_SPEC's groupBy: exactly 1 or 2 fields", () => {
  it("keeps both fields of a two-field groupBy (t.tuple would keep only the first)", () => {
    const decoded = AggregateSpecCodec.decode(JSON.parse(JSON.stringify(seedAggregateSpec)));
    expect(decoded).toEqual({ _tag: "Right", right: seedAggregateSpec });
  });

  it("rejects 0 and 3+ fields with the count, and a malformed field with its position", () => {
    expect(aggregateSpecProblem(withGroupBy([]))).toMatch(/1 or 2 fields.*got 0/);
    expect(aggregateSpecProblem(withGroupBy([field("a"), field("b"), field("c")]))).toMatch(
      /got 3/,
    );
    expect(aggregateSpecProblem(withGroupBy([field("a"), { target: 1 }]))).toMatch(/groupBy\[1\]/);
    expect(aggregateSpecProblem(withGroupBy("a"))).toMatch(/array/);
    expect(aggregateSpecProblem(withGroupBy([field("a")]))).toBeUndefined();
  });
});

describe("AGGREGATE_SPEC's targets: the watermark attributes' prefix is reserved", () => {
  it("refuses a sum or key target starting with __wm_, naming it", () => {
    const sumTarget = { ...seedAggregateSpec, sum: { source: "q", target: "__wm_total" } };
    expect(aggregateSpecProblem(sumTarget)).toMatch(/__wm_total.*reserved/);
    expect(AggregateSpecCodec.is(sumTarget)).toBe(false);
    expect(aggregateSpecProblem(withGroupBy([field("__wm_day")]))).toMatch(/__wm_day.*reserved/);
    expect(aggregateSpecProblem(withGroupBy([field("wm__x")]))).toBeUndefined();
  });
});

describe("utcDayOf: the UTC day of an ISO 8601 date or date-time", () => {
  it.each([
    ["2026-11-21", "2026-11-21"],
    ["2026-11-21T10:00:00Z", "2026-11-21"],
    ["2026-11-21T23:30:00Z", "2026-11-21"],
    ["2026-11-21T23:30:00-05:00", "2026-11-22"],
    ["2026-11-22T00:30:00+01:00", "2026-11-21"],
    ["2026-12-31T20:00:00-0500", "2027-01-01"],
    ["2026-03-01T00:15:00+01", "2026-02-28"],
    ["2024-03-01T00:15:00+01:00", "2024-02-29"],
    ["2026-11-21T10:00:00.123Z", "2026-11-21"],
    ["2026-11-21 10:00", "2026-11-21"],
    ["2026-11-21T23:30:00", "2026-11-21"],
  ])("%s → %s", (text, day) => {
    expect(utcDayOf(text)).toBe(day);
  });

  it.each([
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2025-02-29",
    "2026-11-21T25:00:00Z",
    "2026-11-21T10:60Z",
    "2026-11-21T10:00+24:00",
    "2026-11-21Tnoon",
    "yesterday",
    "",
  ])("%s is not a day", (text) => {
    expect(utcDayOf(text)).toBeUndefined();
  });
});

describe("markers scoped by aggregation and fitted to the totals table", () => {
  const layout = markerLayoutOf(seedAggregateSpec);

  it("derives a short stable id from the spec and the table, different for another spec or table", () => {
    const id = aggregationIdOf(seedAggregateSpec, "totals");
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(aggregationIdOf(seedAggregateSpec, "totals")).toBe(id);
    expect(aggregationIdOf(seedAggregateSpec, "totals-2")).not.toBe(id);
    const revenue = { ...seedAggregateSpec, sum: { source: "price", target: "revenue" } };
    expect(aggregationIdOf(revenue, "totals")).not.toBe(id);
  });

  it("puts the id in the marker key, which stays a marker", () => {
    const key = markerKey({ ...layout, aggregationId: "abc" }, "evt-1");
    expect(key).toEqual({
      order_date: { S: "__pipeline_marker__#abc#evt-1" },
      item_number: { S: "-" },
    });
    expect(isMarker(layout, key)).toBe(true);
    expect(markerKey(layout, "evt-1").order_date).toEqual({ S: "__pipeline_marker__#evt-1" });
  });

  it("gives the marker a sort key of the table's type, and refuses a non-string partition key or other key names", () => {
    const fitted = fitMarkerLayout(layout, "t", [
      { name: "order_date", type: "S" },
      { name: "item_number", type: "N" },
    ]);
    expect(E.isRight(fitted) && markerKey(fitted.right, "e").item_number).toEqual({ N: "0" });
    const numeric = fitMarkerLayout(layout, "t", [
      { name: "order_date", type: "N" },
      { name: "item_number", type: "S" },
    ]);
    expect(E.isRight(numeric) ? "" : numeric.left.reason).toMatch(
      /partition key order_date is of type N/,
    );
    const other = fitMarkerLayout(layout, "t", [{ name: "day", type: "S" }]);
    expect(E.isRight(other) ? "" : other.left.reason).toMatch(
      /keyed by \(day\).*\(order_date, item_number\)/,
    );
  });
});
