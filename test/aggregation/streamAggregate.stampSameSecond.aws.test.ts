import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it, vi } from "vitest";
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

// "Add a tumbling window: exact", with an in-flight invocation of the old configuration. A marker
// transaction that does not know its shard, refused by a total a watermark write stamped, judges the
// refusal's watermarks, then goes on guarded by `#wr = :seen` ("no watermark write since"). Each
// watermark write's stamp is unique (the second and a random part), so a watermark write of the
// batch's own shard in the same second changes it: the guard refuses and the record is judged again.
// Interleaving: the old (no-window) invocation P is refused on A, the new (window, factor 1)
// invocation W applies the same record r2 to A by its watermark, then P retries under its guard, all
// within one wall-clock second (the test aligns to the start of a second and retries otherwise).

const original = DynamoDBClient.prototype.send;
afterEach(() => vi.restoreAllMocks());

const attempt = async (pauseMs = 0) => {
  const { records, shardId } = await ordersAfter([
    { put: order("o1", "A", "1") },
    { put: order("o2", "A", "1") },
  ]);
  const [r1, r2] = records;
  if (r1 === undefined || r2 === undefined) throw new Error("2 records expected");
  const totals = await freshTotals();
  const context = localContext("streamAggregate", 60_000);
  const w = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
  await w(windowed([], shardId), context); // warm (configured at cold start)
  const p = await coldStart({ TOTALS_TABLE: totals });
  await p(plain([]), context);
  let armed = false;
  vi.spyOn(DynamoDBClient.prototype, "send").mockImplementation(async function (
    this: DynamoDBClient,
    ...args: Parameters<DynamoDBClient["send"]>
  ) {
    try {
      return await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    } catch (error) {
      const name = (args[0] as object).constructor.name;
      if (armed && name === "TransactWriteItemsCommand") {
        armed = false;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        // The new-config invocation of the same record, between P's refusal and its retry.
        await w(windowed([r2], shardId), context);
      }
      throw error;
    }
  } as never);
  // Align to the start of a second.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
  const second = Math.floor(Date.now() / 1000);
  await w(windowed([r1], shardId), context); // A: watermark r1, #wr stamped this second
  armed = true;
  await p(plain([r2]), context); // old config: no window, marker mode
  const sameSecond = pauseMs > 0 || Math.floor(Date.now() / 1000) === second;
  vi.restoreAllMocks();
  return { sameSecond, totals: await totalsOf(totals) };
};

describe("streamAggregate: each watermark write stamps its total uniquely", () => {
  it("a no-window invocation and a window invocation of the same record, in one second: counted once", async () => {
    for (let i = 0; i < 5; i++) {
      const { sameSecond, totals } = await attempt();
      if (!sameSecond) continue;
      expect(totals).toEqual({ A: "2" });
      return;
    }
    throw new Error("could not fit the interleaving inside one second");
  }, 120_000);

  it("control: the same interleaving with the window invocation one second later is counted once", async () => {
    const { totals } = await attempt(1_100);
    expect(totals).toEqual({ A: "2" });
  }, 120_000);
});
