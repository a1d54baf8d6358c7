import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { emulatorEndpoints } from "../support/emulators.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  totalsOf,
  updatedItemOf,
  windowed,
} from "./aggregationOnLocal.js";

// DynamoDB Streams keeps records 24 hours and then they are "subject to removal (trimming)"
// (DynamoDB Streams API, TrimmedDataAccessException): no bound on when. Lambda, with
// MaximumRecordAgeInSeconds -1 (what AggregationPipeline deploys), retries a failing batch "until the
// record expires". Watermarks and stamps are kept 48 hours after their last write (as markers), so a
// batch retried for more than 25 hours whose records are not yet trimmed still finds the watermark
// of its shard. Two source tables into one totals table (two shards); the clock is faked (Date only).

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(async () => proxy.close());
afterEach(() => vi.useRealTimers());

describe("streamAggregate: a watermark kept while its shard's batch may still be retried", () => {
  it("batch retried past 25 h (records not yet trimmed, within the 48 h kept): counted once", async () => {
    const one = await ordersAfter([{ put: order("b1", "B", "1") }, { put: order("a1", "A", "1") }]);
    const two = await ordersAfter([{ put: order("c1", "A", "1") }]);
    const totals = await freshTotals();
    const handler = await coldStart({
      TOTALS_TABLE: totals,
      PARALLELIZATION_FACTOR: "1",
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    });
    const context = localContext("streamAggregate", 120_000);
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: t0 });
    // B's total cannot be written (a long outage of that partition, a KMS key disabled, …).
    proxy.rule = ({ operation, body }) =>
      operation === "UpdateItem" && updatedItemOf(body) === "B"
        ? { error: "InternalServerError", status: 500 }
        : undefined;
    const first = await handler(windowed(one.records, one.shardId), context);
    expect(first).toMatchObject({
      batchItemFailures: [{ itemIdentifier: one.records[0]?.dynamodb?.SequenceNumber }],
    });
    // Lambda keeps retrying the batch (retryAttempts -1, no record age): A is skipped each time.
    vi.setSystemTime(t0 + 12 * 3600_000);
    await handler(windowed(one.records, one.shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "1" });
    // 25 h and a minute later, the other table's shard writes A: A's watermark of shard one is pruned.
    vi.setSystemTime(t0 + 25 * 3600_000 + 60_000);
    await handler(windowed(two.records, two.shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "2" });
    // B recovers; the batch (not yet trimmed) is delivered again.
    proxy.rule = undefined;
    vi.setSystemTime(t0 + 25 * 3600_000 + 120_000);
    const last = await handler(windowed(one.records, one.shardId), context);
    expect(last).toMatchObject({ batchItemFailures: [] });
    expect(await totalsOf(totals)).toEqual({ A: "2", B: "1" });
  }, 120_000);
});
