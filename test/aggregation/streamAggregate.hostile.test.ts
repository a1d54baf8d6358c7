import type { DynamoDBStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import { normalizeNumber } from "../../domain/decimal.js";
import { createStreamAggregateHandler } from "../../handlers/streamAggregate.js";
import {
  CheckedRejectSink,
  expectPrototypesUntouched,
  expectRejections,
  fromJson,
  POLLUTING_JSON,
  prototypeSnapshot,
} from "../support/hostile.js";
import { streamRecord } from "../support/hostileStreamRecords.js";
import { testContext } from "../support/sqs.js";
import { streamAggregateCases } from "./streamAggregate.hostileCatalogue.js";

const good = (item: string, quantity: string, sequence: string) =>
  streamRecord(
    "INSERT",
    {
      keys: { order_id: { S: `good-${item}` } },
      newImage: {
        order_id: { S: `good-${item}` },
        order_date: { S: "2024-01-01" },
        item_id: { S: `good-${item}` },
        quantity: { N: quantity },
      },
    },
    { eventID: `evt-good-${item}`, sequence },
  );

/** The good neighbours' totals. */
const NEIGHBOURS = { "2024-01-01|good-before": "1", "2024-01-01|good-after": "2" };

const text = (value: AttributeValue | undefined): string =>
  value === undefined
    ? "?"
    : "S" in value
      ? value.S
      : "N" in value
        ? value.N
        : JSON.stringify(value);

/** streamAggregate on an in-memory totals table, with a checked reject sink. */
const rig = () => {
  const db = new InMemoryDynamoDb();
  db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
  const layout = markerLayoutOf(seedAggregateSpec);
  const rejects = new CheckedRejectSink();
  const handler = createStreamAggregateHandler({
    store: new InMemoryAggregateStore(db, "totals", seedAggregateSpec, layout, () => 0),
    rejects,
  });
  const invoke = (records: ReadonlyArray<unknown>) =>
    handler({ Records: records } as DynamoDBStreamEvent, testContext());
  const totals = (): Record<string, string> =>
    Object.fromEntries(
      db
        .scan("totals")
        .filter((item: AttributeMap) => !isMarker(layout, item))
        .map((item) => [`${text(item.order_date)}|${text(item.item_number)}`, text(item.quantity)]),
    );
  return { rejects, handler, invoke, totals };
};

describe("streamAggregate: hostile stream records", () => {
  it.each(streamAggregateCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { rejects, invoke, totals } = rig();
    const response = await invoke([
      good("before", "1", "100"),
      ...c.records,
      good("after", "2", "300"),
    ]);
    expect(response).toEqual({ batchItemFailures: [] });
    expectRejections(rejects, c.expect.rejected);
    const expected = Object.fromEntries(
      Object.entries({ ...NEIGHBOURS, ...c.expect.totals }).map(([k, v]) => [
        k,
        normalizeNumber(v),
      ]),
    );
    expect(totals()).toEqual(expected);
  });

  it.each([
    ["no Records", {}, [{ recordId: "event", field: "Records" }]],
    ["Records null", { Records: null }, [{ recordId: "event", field: "Records" }]],
    ["Records a string", { Records: "x" }, [{ recordId: "event", field: "Records" }]],
    ["a null event", null, [{ recordId: "event", field: "$" }]],
  ])("handles an event with %s", async (_, event, expected) => {
    const { handler, rejects, totals } = rig();
    expect(await handler(event as unknown as DynamoDBStreamEvent, testContext())).toEqual({
      batchItemFailures: [],
    });
    expectRejections(rejects, expected);
    expect(totals()).toEqual({});
  });
});

describe("streamAggregate: prototype pollution", () => {
  it("no record changes a prototype; __proto__ values group like any other", async () => {
    const before = prototypeSnapshot();
    const { invoke, totals, rejects } = rig();
    const polluting = fromJson(
      `{"eventID":"evt-p","eventName":"INSERT","__proto__":{"polluted":"yes"},"dynamodb":{` +
        `"__proto__":{"polluted":"yes"},"SequenceNumber":"201","Keys":{"order_id":{"S":"p"}},` +
        `"NewImage":{"order_id":{"S":"p"},"order_date":{"S":"2024-02-02"},"item_id":{"S":"__proto__"},` +
        `"quantity":{"N":"4"},"__proto__":{"M":{"polluted":{"S":"yes"}}},"constructor":{"M":{"prototype":{"S":"x"}}}}}}`,
    );
    await invoke([
      good("before", "1", "100"),
      polluting,
      fromJson(POLLUTING_JSON),
      streamRecord("INSERT", { keys: fromJson(POLLUTING_JSON) }),
    ]);
    expectPrototypesUntouched(before);
    expect(totals()).toEqual({ "2024-01-01|good-before": "1", "2024-02-02|__proto__": "4" });
    expect(rejects.records).toHaveLength(2);
  });
});
