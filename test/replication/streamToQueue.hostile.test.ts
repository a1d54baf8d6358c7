import type { DynamoDBStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
import { createStreamToQueueHandler } from "../../handlers/streamToQueue.js";
import {
  CheckedRejectSink,
  expectOwnAttribute,
  expectPrototypesUntouched,
  expectRejections,
  fromJson,
  goodItem,
  keyOf,
  POLLUTING_JSON,
  prototypeSnapshot,
  unorderedMap,
} from "../support/hostile.js";
import { streamRecord } from "../support/hostileStreamRecords.js";
import { testContext, virtualClock } from "../support/sqs.js";
import { streamToQueueCases } from "./streamToQueue.hostileCatalogue.js";

const good = (name: string, sequence: string) =>
  streamRecord(
    "INSERT",
    { keys: keyOf(goodItem(name)), newImage: goodItem(name) },
    { eventID: `evt-good-${name}`, sequence },
  );

/** streamToQueue → in-memory FIFO queue → queueToTable → replica (`pk` S, `sk` N). */
const rig = () => {
  const clock = virtualClock();
  const sqs = new InMemorySqs(clock.now);
  sqs.createQueue("replica.fifo", { visibilityTimeoutSeconds: 30 });
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable(
    "replica",
    { partitionKey: "pk", sortKey: "sk" },
    { keyTypes: { pk: "S", sk: "N" } },
  );
  const rejects = new CheckedRejectSink();
  const handler = createStreamToQueueHandler({
    queue: new InMemoryMessageQueue(sqs, "replica.fifo", noWaitRetryEnv),
    rejects,
  });
  const consumer = new SqsEventSourceRunner(
    sqs,
    "replica.fifo",
    createQueueToTableHandler({
      table: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
      rejects,
    }),
    { clock: clock.now, advanceClock: clock.advance },
  );
  /** Delivers the hostile record between two good ones, then drains the queue into the replica. */
  const run = async (...hostile: unknown[]) => {
    const event = { Records: [good("before", "100"), ...hostile, good("after", "300")] };
    const response = await handler(event as DynamoDBStreamEvent, testContext());
    const drained = await consumer.run();
    return { response, drained };
  };
  const expectNeighboursReplicated = () => {
    for (const name of ["before", "after"])
      expect(db.get("replica", keyOf(goodItem(name)))).toEqual(goodItem(name));
  };
  return { db, sqs, rejects, handler, run, expectNeighboursReplicated };
};

describe("streamToQueue: hostile stream records", () => {
  it.each(streamToQueueCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { db, rejects, run, expectNeighboursReplicated } = rig();
    if ("removed" in c.expect) db.put("replica", c.expect.removed);

    const { response, drained } = await run(c.record);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(drained.drained).toBe(true);
    expectNeighboursReplicated();
    if ("rejected" in c.expect) {
      expectRejections(rejects, c.expect.rejected);
      expect(db.scan("replica")).toHaveLength(2);
    } else if ("replicated" in c.expect) {
      expectRejections(rejects, []);
      const item = c.expect.replicated;
      expect(unorderedMap(db.get("replica", keyOf(item)) ?? {})).toEqual(unorderedMap(item));
      expect(db.scan("replica")).toHaveLength(3);
    } else {
      expectRejections(rejects, []);
      expect(db.get("replica", c.expect.removed)).toBeUndefined();
      expect(db.scan("replica")).toHaveLength(2);
    }
  });
});

describe("streamToQueue: malformed events", () => {
  it.each([
    ["no Records", {}, [{ recordId: "event", field: "Records" }]],
    ["Records null", { Records: null }, [{ recordId: "event", field: "Records" }]],
    ["empty Records", { Records: [] }, []],
  ])(
    "acknowledges an event with %s, rejecting it unless it is a batch",
    async (_, event, expected) => {
      const { handler, rejects, sqs } = rig();
      expect(await handler(event as DynamoDBStreamEvent, testContext())).toEqual({
        batchItemFailures: [],
      });
      expectRejections(rejects, expected);
      expect(sqs.peek("replica.fifo")).toEqual([]);
    },
  );

  it.each([
    ["Records an object", { Records: { 0: {} } }, "Records"],
    ["Records a string", { Records: "[]" }, "Records"],
    ["a null event", null, "$"],
  ])("rejects an event with %s", async (_, event, field) => {
    const { handler, rejects } = rig();
    expect(await handler(event as unknown as DynamoDBStreamEvent, testContext())).toEqual({
      batchItemFailures: [],
    });
    expectRejections(rejects, [{ recordId: "event", field }]);
  });
});

describe("streamToQueue: prototype pollution", () => {
  it("no record changes a prototype; __proto__ and constructor are replicated as attributes", async () => {
    const before = prototypeSnapshot();
    const { db, run, expectNeighboursReplicated } = rig();
    const image = fromJson<AttributeMap>(
      `{"pk":{"S":"__proto__"},"sk":{"N":"1"},"__proto__":{"M":{"polluted":{"S":"yes"}}},` +
        `"constructor":{"M":{"prototype":{"M":{"polluted":{"S":"yes"}}}}},"prototype":{"S":"x"}}`,
    );
    const polluting = fromJson<Record<string, unknown>>(
      `{"eventID":"evt-p","eventName":"INSERT","__proto__":{"polluted":"yes"},"dynamodb":` +
        `{"__proto__":{"polluted":"yes"},"SequenceNumber":"201","Keys":{"pk":{"S":"__proto__"},"sk":{"N":"1"}},` +
        `"NewImage":${JSON.stringify(image)}}}`,
    );
    const junk = fromJson(POLLUTING_JSON);
    await run(polluting, junk, streamRecord("INSERT", { keys: fromJson(POLLUTING_JSON) }));
    expectNeighboursReplicated();
    expectPrototypesUntouched(before);
    const stored = db.get("replica", { pk: { S: "__proto__" }, sk: { N: "1" } });
    expect(stored).toEqual(image);
    for (const name of ["__proto__", "constructor", "prototype"]) expectOwnAttribute(stored, name);
  });
});
