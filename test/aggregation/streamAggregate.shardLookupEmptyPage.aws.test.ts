import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { emulatorEndpoints } from "../support/emulators.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  plain,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// "Remove the tumbling window": the shard lookup reads a candidate shard with GetShardIterator
// AT_SEQUENCE_NUMBER then GetRecords (Limit 1). The DynamoDB Streams API reference for GetRecords:
// "If there are no stream records available in the portion of the shard that the iterator points
// to, GetRecords returns an empty list. Note that it might take multiple calls to get to a portion
// of the shard that contains stream records." Empty pages are followed a few times; still nothing is
// no answer (the batch is retried), never "not in this shard".

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(async () => proxy.close());

describe("streamAggregate: the shard lookup on an empty GetRecords page", () => {
  const scenario = async (emptyPage: boolean) => {
    const { records, shardId } = await ordersAfter([
      { put: order("o1", "A", "1") },
      { put: order("o2", "A", "2") },
    ]);
    const totals = await freshTotals();
    const context = localContext("streamAggregate", 60_000);
    const window = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
    await window(windowed(records, shardId), context); // applied, then timed out
    const removed = await coldStart({
      TOTALS_TABLE: totals,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: proxy.endpoint,
    });
    proxy.rule = ({ operation, body }) =>
      emptyPage && operation === "GetRecords"
        ? {
            reply: {
              Records: [],
              NextShardIterator: (body as { ShardIterator: string }).ShardIterator,
            },
          }
        : undefined;
    const response = await removed(plain(records), context);
    proxy.rule = undefined;
    return { response, totals: await totalsOf(totals) };
  };

  it("control: the lookup finds the shard, the batch is skipped", async () => {
    const { response, totals } = await scenario(false);
    expect(response).toMatchObject({ batchItemFailures: [] });
    expect(totals).toEqual({ A: "3" });
  });

  it("GetRecords answers empty pages (documented): no answer, the batch is retried, never counted twice", async () => {
    const { totals } = await scenario(true);
    expect(totals).toEqual({ A: "3" });
  });
});
