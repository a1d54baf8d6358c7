import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import {
  c,
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  plain,
  rejectIds,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// Lambda's at-least-once delivery may run the same batch twice at once (a retry after a timeout
// while the first copy still runs, an in-flight invocation of an older configuration). A record the
// totals table refuses is never counted; its reject is stored before the bookkeeping moves past it,
// by each copy that gets that far: at least one document, possibly one per copy (docs/guarantees.md).

describe("streamAggregate: two concurrent copies of a batch holding a record the totals table refuses", () => {
  it.each([
    { mode: "watermark", env: { PARALLELIZATION_FACTOR: "1" }, window: true },
    { mode: "markers", env: {}, window: false },
  ])(
    "$mode mode: never counted, its reject stored by one copy or both",
    async ({ env, window }) => {
      const { records, shardId } = await ordersAfter([
        { put: order("o1", "A", "0.5") },
        { put: order("o2", "A", "1E+37") },
      ]);
      const totals = await freshTotals();
      const name = uniqueName("rejects");
      const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name }));
      const handler = await coldStart({
        TOTALS_TABLE: totals,
        REJECT_DESTINATION: `${emulatorEndpoints().moto}/123456789012/${name}`,
        ...env,
      });
      const context = localContext("streamAggregate", 60_000);
      const event = window ? windowed(records, shardId) : plain(records);
      await handler(window ? windowed([], shardId) : plain([]), context); // warm
      await Promise.all([handler(event, context), handler(event, context)]);
      expect(await totalsOf(totals)).toEqual({ A: "0.5" });
      const ids = await rejectIds(QueueUrl ?? "");
      expect(ids.length).toBeGreaterThanOrEqual(1);
      expect(new Set(ids)).toEqual(new Set([records[1]?.eventID]));
    },
  );
});
