import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  rejectIds,
  rejectsQueue,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// A record the totals table refuses in marker mode has its reject stored, then its marker written
// together with a zero ADD on its totals, which stamps them as written by markers. Delivered again
// after the mapping moved to watermark mode, a watermark write on those totals is refused as
// MarkerStamped and the record is found by its marker: neither rejected again nor counted (even when
// later records of the redelivered batch bring the total back in range).

describe("streamAggregate: a record rejected in marker mode, delivered again in watermark mode", () => {
  it("factor 2 → 1 while its batch is pending: rejected once", async () => {
    const { records, shardId } = await ordersAfter([
      { put: order("o1", "A", "0.5") },
      { put: order("o2", "A", "1E+37") }, // 0.5 + 10^37: 39 digits, refused by DynamoDB
    ]);
    const [o1, o2] = records;
    if (o1 === undefined || o2 === undefined) throw new Error("2 records expected");
    const totals = await freshTotals();
    const { url, QueueUrl } = await rejectsQueue();
    const context = localContext("streamAggregate", 60_000);
    const env = { TOTALS_TABLE: totals, REJECT_DESTINATION: url };
    // Factor 1, tumbling window: o1 by A's watermark.
    const f1 = await coldStart({ ...env, PARALLELIZATION_FACTOR: "1" });
    await f1(windowed([o1], shardId), context);
    // Factor 2 (handler told 2): o2 in marker mode, refused by DynamoDB, reject stored. The
    // invocation times out after that (no checkpoint).
    const f2 = await coldStart({ ...env, PARALLELIZATION_FACTOR: "2" });
    await f2(windowed([o2], shardId), context);
    expect(await rejectIds(QueueUrl)).toEqual([o2.eventID]);
    // Back to factor 1 (mapping and variable): Lambda delivers o2 again.
    const back = await coldStart({ ...env, PARALLELIZATION_FACTOR: "1" });
    await back(windowed([o2], shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "0.5" });
    expect(await rejectIds(QueueUrl)).toEqual([]); // no second reject of o2
  });

  it("factor 2 → 1, the redelivered batch brings the total back in range: the rejected record is not counted", async () => {
    const { records, shardId } = await ordersAfter([
      { put: order("o1", "A", "0.5") },
      { put: order("o2", "A", "1E+37") },
      { put: order("o3", "A", "-0.5") },
    ]);
    const [o1, o2, o3] = records;
    if (o1 === undefined || o2 === undefined || o3 === undefined)
      throw new Error("3 records expected");
    const totals = await freshTotals();
    const { url, QueueUrl } = await rejectsQueue();
    const context = localContext("streamAggregate", 60_000);
    const env = { TOTALS_TABLE: totals, REJECT_DESTINATION: url };
    const f1 = await coldStart({ ...env, PARALLELIZATION_FACTOR: "1" });
    await f1(windowed([o1], shardId), context);
    const f2 = await coldStart({ ...env, PARALLELIZATION_FACTOR: "2" });
    await f2(windowed([o2], shardId), context);
    expect(await rejectIds(QueueUrl)).toEqual([o2.eventID]);
    const back = await coldStart({ ...env, PARALLELIZATION_FACTOR: "1" });
    await back(windowed([o2, o3], shardId), context);
    // o2 is rejected (its reject is stored): it must not be in the total as well.
    expect(Number((await totalsOf(totals)).A)).toBe(0);
  });
});
