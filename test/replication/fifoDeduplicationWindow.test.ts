import { describe, expect, it } from "vitest";
import { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { csvLoadRig } from "../csvLoad/csvLoadRig.js";
import { replicationRig } from "./replicationRig.js";

// SQS FIFO deduplication lasts 5 minutes from a message's FIRST send. A retry that resends a
// run of messages later than that re-enqueues the earliest ones (their window expired) while
// dropping later ones sent more recently: an older change of a key then lands after a newer one.

const MINUTE = 60_000;

describe("FIFO queues: a retry after the 5-minute deduplication window never reorders a key", () => {
  it("replication: a stream batch retried for minutes leaves the replica at the newest change", async () => {
    const queuePlan = FaultPlan.schedule([{ crashAfterK: 2 }]);
    const real = replicationRig({
      fifo: true,
      streamBatchSize: 10,
      seed: 1,
      plans: () => ({ queue: queuePlan, table: FaultPlan.none() }),
    });
    real.db.put("source", { pk: { S: "j" } });
    real.db.put("source", { pk: { S: "k" }, v: { N: "1" } });
    real.db.put("source", { pk: { S: "k" }, v: { N: "2" } });
    await real.pumpStream(1); // sends j, k=1, then the invocation dies
    // From now on every message of item j is refused: the batch is retried from j again and again.
    real.sqs.fault = (operation) =>
      operation === "SendMessageBatch"
        ? {
            failEntry: (entry) =>
              entry.body.includes('"j"')
                ? { code: "InternalError", senderFault: false }
                : undefined,
          }
        : undefined;
    real.clock.advance(MINUTE);
    await real.pumpStream(1); // k=1 deduplicated, k=2 sent for the first time
    await real.pumpQueue(10);
    expect(real.db.get("replica", { pk: { S: "k" } })?.v).toEqual({ N: "2" });
    real.clock.advance(4.5 * MINUTE); // k=1's window is over, k=2's is not
    await real.pumpStream(1);
    real.sqs.fault = undefined;
    await real.pumpStream();
    await real.pumpQueue(100);
    expect(real.db.scan("replica")).toEqual(real.db.scan("source"));
  });

  it("CSV: an object retried minutes after its first read still ends with its last row per key", async () => {
    const real = csvLoadRig({
      fifo: true,
      rowsPerMessage: 1,
      seed: 1,
      plans: () => ({
        objects: FaultPlan.none(),
        queue: FaultPlan.schedule([{ crashAfterK: 1 }, "crashAfter"]),
        table: FaultPlan.none(),
      }),
    });
    real.upload("prices.csv", "id,qty,note\na,1,first\nb,5,\na,2,second\na,3,last\n");
    const [event] = real.events;
    if (event === undefined) throw new Error("no notification");
    expect(await real.invoke(event)).toBe(false); // sent a=1, then died
    real.clock.advance(2 * MINUTE);
    expect(await real.invoke(event)).toBe(false); // sent every row, then died
    await real.pumpQueue(10);
    expect(real.db.get("items", { id: { S: "a" } })?.note).toEqual({ S: "last" });
    real.clock.advance(3.5 * MINUTE); // the first a=1's window is over, the other rows' are not
    expect(await real.invoke(event)).toBe(true);
    await real.pumpQueue(10);
    expect(real.db.scan("items")).toEqual([
      { id: { S: "a" }, qty: { N: "3" }, note: { S: "last" } },
      { id: { S: "b" }, qty: { N: "5" } },
    ]);
  });
});
