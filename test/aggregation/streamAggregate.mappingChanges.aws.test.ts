import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  plain,
  rejectIds,
  rejectsQueue,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// The deployable handler, environment only, on DynamoDB Local, fed the stream's real records as
// Lambda builds its events: with a tumbling window (shardId, window, state) or without. Each test
// is a batch pending redelivery (an invocation that timed out after its writes, or a partial
// failure) while the operator updates the mapping: Lambda restarts from the checkpoint under the
// new settings (AWS, "Using tumbling windows": records are first processed in order, and a batch
// processed more than once may be processed out of order). Exactly once must hold across it.

/** A fresh orders table with these orders written, its stream's records and its one shard. */
const ordersWith = (orders: ReadonlyArray<AttributeMap>) =>
  ordersAfter(orders.map((put) => ({ put })));

const seed = [
  order("178526", "item123", "10"),
  order("178527", "item123", "30"),
  order("172528", "item312", "10"),
  order("178529", "item312", "30"),
];
const seedTotals = { item123: "40", item312: "40" };

describe("streamAggregate across a change of the mapping, on DynamoDB Local (deployable handler)", () => {
  type Setting = {
    readonly name: string;
    readonly env: Record<string, string>;
    readonly window: boolean;
  };
  const noWindow: Setting = { name: "no window", env: {}, window: false };
  const watermark: Setting = {
    name: "tumbling window, factor 1",
    env: { PARALLELIZATION_FACTOR: "1" },
    window: true,
  };
  const parallel: Setting = {
    name: "tumbling window, factor 2",
    env: { PARALLELIZATION_FACTOR: "2" },
    window: true,
  };
  const unset: Setting = { name: "tumbling window, factor unset", env: {}, window: true };

  it.each<{ before: Setting; after: Setting }>([
    { before: watermark, after: noWindow },
    { before: noWindow, after: watermark },
    { before: watermark, after: parallel },
    { before: parallel, after: watermark },
    { before: watermark, after: unset },
    { before: unset, after: watermark },
  ])(
    "a batch applied with $before.name, delivered again with $after.name: counted once",
    async ({ before, after }) => {
      const { records, shardId } = await ordersWith(seed);
      const totals = await freshTotals();
      const event = (setting: Setting, batch: ReadonlyArray<DynamoDBRecord>) =>
        setting.window ? windowed(batch, shardId) : plain(batch);
      const first = await coldStart({ TOTALS_TABLE: totals, ...before.env });
      // Applied in full, but the invocation timed out: Lambda did not checkpoint.
      await first(event(before, records), localContext("streamAggregate", 60_000));
      expect(await totalsOf(totals)).toEqual(seedTotals);
      const second = await coldStart({ TOTALS_TABLE: totals, ...after.env });
      const response = await second(event(after, records), localContext("streamAggregate", 60_000));
      expect(response).toMatchObject({ batchItemFailures: [] });
      expect(await totalsOf(totals)).toEqual(seedTotals);
    },
  );

  it("with a tumbling window and PARALLELIZATION_FACTOR unset, concurrent batches of one shard (a later one first) all count", async () => {
    const { records, shardId } = await ordersWith(seed);
    const totals = await freshTotals();
    const handler = await coldStart({ TOTALS_TABLE: totals });
    const context = localContext("streamAggregate", 60_000);
    // ParallelizationFactor 2, the handler not told: two batches of the shard, partitioned by
    // key (orders 1 and 3, orders 2 and 4), each touching both totals; the later one commits
    // first. A watermark would skip the earlier one's records.
    const [r1, r2, r3, r4] = records;
    if (r1 === undefined || r2 === undefined || r3 === undefined || r4 === undefined)
      throw new Error("4 records expected");
    await handler(windowed([r2, r4], shardId), context);
    await handler(windowed([r1, r3], shardId), context);
    expect(await totalsOf(totals)).toEqual(seedTotals);
  });
});

describe("streamAggregate: a record the totals table refuses is never skipped unreported (deployable handler)", () => {
  it("watermark mode: its reject could not be stored at first; the batch delivered again from it stores it, and counts the rest once", async () => {
    // o1 0.5, then o2 10^37 (0.5 + 10^37 needs 39 digits: refused), then o3 1, on one total.
    const { records, shardId } = await ordersWith([
      order("o1", "item123", "0.5"),
      order("o2", "item123", "1E+37"),
      order("o3", "item123", "1"),
    ]);
    const totals = await freshTotals();
    // The reject destination refuses at first (a queue that does not exist yet): storing fails.
    const name = uniqueName("rejects");
    const destination = `${emulatorEndpoints().moto}/123456789012/${name}`;
    const handler = await coldStart({
      TOTALS_TABLE: totals,
      PARALLELIZATION_FACTOR: "1",
      REJECT_DESTINATION: destination,
    });
    const context = localContext("streamAggregate", 60_000);
    const [o1, o2, o3] = records;
    if (o1 === undefined || o2 === undefined || o3 === undefined)
      throw new Error("3 records expected");
    const first = await handler(windowed(records, shardId), context);
    expect(first).toMatchObject({
      batchItemFailures: [{ itemIdentifier: o2.dynamodb?.SequenceNumber }],
    });
    // The destination comes back; Lambda delivers the batch again from the checkpoint.
    const later = await rejectsQueue(name);
    expect(later.url).toBe(destination);
    const again = await handler(windowed([o2, o3], shardId), context);
    expect(again).toMatchObject({ batchItemFailures: [] });
    expect(await totalsOf(totals)).toEqual({ item123: "1.5" });
    expect(await rejectIds(later.QueueUrl)).toEqual([o2.eventID]);
    // Delivered once more: neither counted nor rejected again.
    await handler(windowed(records, shardId), context);
    expect(await totalsOf(totals)).toEqual({ item123: "1.5" });
    expect(await rejectIds(later.QueueUrl)).toEqual([]);
  });
});
