import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  plain,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// A batch applied in watermark+markers mode, pending redelivery (the invocation timed out after its
// writes), is delivered again after the operator removed the tumbling window (Lambda restarts from
// the checkpoint). In marker mode without a shard, a total's stamp and watermarks seen in one chunk's
// refusal let a later chunk through only for records none of those watermarks can cover: the second
// chunk group, whose records on A are covered by A's watermark, is refused and judged again.
describe("streamAggregate: a watermark stamp judged for one chunk, not reused for records it does not cover", () => {
  it("window removed while a batch is pending: item A's records of the 2nd chunk group count once", async () => {
    const n = 98; // group 1: 98 MODIFYs (A → B) + 2 totals = 100 actions
    const m = 51; // group 2: 51 INSERTs on A
    const changes = [
      { put: order("o0", "B", "1") },
      ...Array.from({ length: n }, (_, i) => ({ put: order(`i${i}`, "A", "1") })),
      ...Array.from({ length: n }, (_, i) => ({ put: order(`i${i}`, "B", "1") })),
      ...Array.from({ length: m }, (_, i) => ({ put: order(`p${i}`, "A", "1") })),
    ];
    const { records, shardId } = await ordersAfter(changes);
    expect(records.length).toBe(1 + n + n + m);
    const r0 = records.slice(0, 1);
    const inserts = records.slice(1, 1 + n);
    const batch: DynamoDBRecord[] = records.slice(1 + n); // m1..m98, p1..p51
    const totals = await freshTotals();
    const context = localContext("streamAggregate", 60_000);

    // 1. no window: B is written by a marker transaction (B stamped by markers).
    const noWindow = await coldStart({ TOTALS_TABLE: totals });
    await noWindow(plain(r0), context);
    // 2. tumbling window, factor 1: the inserts on A in watermark mode.
    const window1 = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
    await window1(windowed(inserts, shardId), context);
    // 3. the batch: A by its watermark (moved to p51), B by markers (m1..m98). It times out.
    await window1(windowed(batch, shardId), context);
    const expected = { A: String(m), B: String(1 + n) };
    expect(await totalsOf(totals)).toEqual(expected);
    // 4. the operator removes the tumbling window; Lambda delivers the batch again.
    const removed = await coldStart({ TOTALS_TABLE: totals });
    const response = await removed(plain(batch), context);
    expect(response).toMatchObject({ batchItemFailures: [] });
    expect(await totalsOf(totals)).toEqual(expected);
  });
});
