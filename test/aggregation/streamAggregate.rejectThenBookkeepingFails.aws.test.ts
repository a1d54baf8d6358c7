import { CreateQueueCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";
import {
  c,
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  rejectIds,
  totalsOf,
  updatedItemOf,
  windowed,
} from "./aggregationOnLocal.js";

// A record the totals table refuses has its reject stored, then the write that marks it done (the
// total's watermark moved to it by a zero write, or its marker with a zero ADD on its totals). When
// that write fails, the record fails from there (the batch resumes at it): its reject may be stored
// again on the retry, it is never counted as done without its bookkeeping (docs/guarantees.md).

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(async () => proxy.close());

const amountOf = (body: unknown) =>
  (body as { ExpressionAttributeValues?: Record<string, { N?: string }> })
    .ExpressionAttributeValues?.[":amount"]?.N;

describe("streamAggregate: the write that marks a stored reject fails", () => {
  it("watermark mode: A's zero write after the reject of a2 fails: the batch resumes at a2, which is never counted", async () => {
    const { records, shardId } = await ordersAfter([
      { put: order("b1", "B", "1") },
      { put: order("a1", "A", "0.5") },
      { put: order("a2", "A", "1E+37") },
    ]);
    const [b1, , a2] = records;
    if (b1 === undefined || a2 === undefined) throw new Error("3 records expected");
    const totals = await freshTotals();
    const name = uniqueName("rejects");
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name }));
    const handler = await coldStart({
      TOTALS_TABLE: totals,
      PARALLELIZATION_FACTOR: "1",
      REJECT_DESTINATION: `${emulatorEndpoints().moto}/123456789012/${name}`,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    });
    const context = localContext("streamAggregate", 120_000);
    // The totals table has a bad moment: B's writes and A's zero write fail (HTTP 500).
    proxy.rule = ({ operation, body }) =>
      operation === "UpdateItem" && (updatedItemOf(body) === "B" || amountOf(body) === "0")
        ? { error: "InternalServerError", status: 500 }
        : undefined;
    const first = await handler(windowed(records, shardId), context);
    expect(first).toMatchObject({
      batchItemFailures: [{ itemIdentifier: b1.dynamodb?.SequenceNumber }],
    });
    expect(await rejectIds(QueueUrl ?? "")).toEqual([a2.eventID]);
    proxy.rule = undefined;
    // Lambda resumes at b1, as the response asked (b1 comes before a2).
    const again = await handler(windowed(records, shardId), context);
    expect(again).toMatchObject({ batchItemFailures: [] });
    expect(await totalsOf(totals)).toEqual({ A: "0.5", B: "1" });
    // Its bookkeeping was not written: a2 is rejected again on the retry (a second document of
    // the same record), and only then marked; a third delivery neither counts nor rejects it.
    expect(await rejectIds(QueueUrl ?? "")).toEqual([a2.eventID]);
    await handler(windowed(records, shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "0.5", B: "1" });
    expect(await rejectIds(QueueUrl ?? "")).toEqual([]);
  }, 120_000);

  it("marker mode: the marker after the reject fails: the batch resumes at the record, which is rejected once more, never counted", async () => {
    const { records } = await ordersAfter([
      { put: order("a1", "A", "0.5") },
      { put: order("a2", "A", "1E+37") },
    ]);
    const [, a2] = records;
    if (a2 === undefined) throw new Error("2 records expected");
    const totals = await freshTotals();
    const name = uniqueName("rejects");
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: name }));
    const handler = await coldStart({
      TOTALS_TABLE: totals,
      REJECT_DESTINATION: `${emulatorEndpoints().moto}/123456789012/${name}`,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    });
    const context = localContext("streamAggregate", 120_000);
    // The write that marks a refused record done: its marker and zero ADDs on its totals.
    type Action = {
      Put?: unknown;
      Update?: { ExpressionAttributeValues?: Record<string, { N?: string }> };
    };
    const marksDone = (body: unknown) => {
      const items = (body as { TransactItems: ReadonlyArray<Action> }).TransactItems;
      const updates = items.flatMap((t) => (t.Update ? [t.Update] : []));
      return (
        items.some((t) => "Put" in t) &&
        updates.length > 0 &&
        updates.every((u) => u.ExpressionAttributeValues?.[":delta"]?.N === "0")
      );
    };
    proxy.rule = ({ operation, body }) =>
      operation === "TransactWriteItems" && marksDone(body)
        ? { error: "InternalServerError", status: 500 }
        : undefined;
    const first = await handler({ Records: records }, context);
    // Not marked: the batch resumes at the refused record.
    expect(first).toMatchObject({
      batchItemFailures: [{ itemIdentifier: a2.dynamodb?.SequenceNumber }],
    });
    proxy.rule = undefined;
    expect(await rejectIds(QueueUrl ?? "")).toEqual([a2.eventID]);
    // Delivered again from it: rejected once more (a second document), marked, never counted.
    await handler({ Records: records.slice(1) }, context);
    expect(await totalsOf(totals)).toEqual({ A: "0.5" });
    expect(await rejectIds(QueueUrl ?? "")).toEqual([a2.eventID]);
    await handler({ Records: records }, context);
    expect(await totalsOf(totals)).toEqual({ A: "0.5" });
    expect(await rejectIds(QueueUrl ?? "")).toEqual([]);
  }, 120_000);
});
