import type { KinesisStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { createKinesisToTableHandler } from "../../handlers/kinesisToTable.js";
import {
  CheckedRejectSink,
  expectOwnAttribute,
  expectPrototypesUntouched,
  expectRejections,
  POLLUTING_JSON,
  prototypeSnapshot,
} from "../support/hostile.js";
import { base64 } from "../support/kinesis.js";
import { testContext } from "../support/sqs.js";
import {
  HOSTILE_EVENT_ID,
  HOSTILE_SEQUENCE,
  kinesisRecordOf,
  kinesisToTableCases,
} from "./kinesisToTable.hostileCatalogue.js";

const good = (sequence: string) => kinesisRecordOf(base64(`{"good":${sequence}}`), { sequence });

/** kinesisToTable writing EventLogs in memory, with a checked reject sink. */
const rig = () => {
  const db = new InMemoryDynamoDb();
  db.createTable("EventLogs", EVENT_LOG_KEY_SCHEMA);
  const rejects = new CheckedRejectSink();
  const handler = createKinesisToTableHandler({
    table: new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv),
    rejects,
  });
  const invoke = (records: ReadonlyArray<unknown>) =>
    handler({ Records: records } as KinesisStreamEvent, testContext());
  const data = (eventId: string) => db.get("EventLogs", { eventId: { S: eventId } })?.data;
  const expectNeighboursStored = () => {
    for (const sequence of ["100", "300"])
      expect(data(`shardId-000000000000:${sequence}`)).toEqual({
        M: { good: { N: sequence } },
      });
  };
  return { db, rejects, handler, invoke, data, expectNeighboursStored };
};

describe("kinesisToTable: hostile records", () => {
  it.each(kinesisToTableCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { db, rejects, invoke, data, expectNeighboursStored } = rig();
    const response = await invoke([good("100"), c.record, good("300")]);
    expect(response).toEqual({ batchItemFailures: [] });
    expectNeighboursStored();
    if ("rejected" in c.expect) {
      expectRejections(rejects, [c.expect.rejected]);
      expect(db.scan("EventLogs")).toHaveLength(2);
    } else {
      expectRejections(rejects, []);
      expect(data(HOSTILE_EVENT_ID)).toEqual(c.expect.stored);
      expect(db.get("EventLogs", { eventId: { S: HOSTILE_EVENT_ID } })).toMatchObject({
        sequenceNumber: { S: HOSTILE_SEQUENCE },
        dataFormat: { S: c.expect.dataFormat },
        timestamp: { S: "2023-11-14T22:13:20.123Z" },
      });
      expect(db.scan("EventLogs")).toHaveLength(3);
    }
  });

  it.each([
    ["no Records", {}, [{ recordId: "event", field: "Records" }]],
    ["Records null", { Records: null }, [{ recordId: "event", field: "Records" }]],
    ["Records an object", { Records: {} }, [{ recordId: "event", field: "Records" }]],
    ["a null event", null, [{ recordId: "event", field: "$" }]],
  ])("handles an event with %s", async (_, event, expected) => {
    const { handler, rejects, db } = rig();
    expect(await handler(event as unknown as KinesisStreamEvent, testContext())).toEqual({
      batchItemFailures: [],
    });
    expectRejections(rejects, expected);
    expect(db.scan("EventLogs")).toEqual([]);
  });
});

describe("kinesisToTable: prototype pollution", () => {
  it("no payload changes a prototype; __proto__ and constructor are stored as attributes", async () => {
    const before = prototypeSnapshot();
    const { invoke, data, rejects } = rig();
    await invoke([
      kinesisRecordOf(base64(POLLUTING_JSON)),
      kinesisRecordOf(base64('{"a":{"__proto__":{"__proto__":{"polluted":1}}}}'), {
        sequence: "5",
      }),
      JSON.parse(`{"__proto__":{"polluted":"yes"},"eventID":"x"}`),
    ]);
    expectPrototypesUntouched(before);
    const stored = data(HOSTILE_EVENT_ID);
    expect(stored !== undefined && "M" in stored).toBe(true);
    const map = stored !== undefined && "M" in stored ? stored.M : {};
    for (const name of ["__proto__", "constructor", "prototype"]) expectOwnAttribute(map, name);
    const nested = data("shardId-000000000000:5");
    expect(nested).toEqual(
      JSON.parse(
        '{"M":{"a":{"M":{"__proto__":{"M":{"__proto__":{"M":{"polluted":{"N":"1"}}}}}}}}}',
      ),
    );
    expect(rejects.records.map((r) => r.error.recordId)).toEqual(["x"]);
  });
});
