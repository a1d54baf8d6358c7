import type { SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
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
import { sqsRecord, testContext } from "../support/sqs.js";
import {
  HOSTILE_ID,
  malformedSqsRecords,
  queueToTableCases,
} from "./queueToTable.hostileCatalogue.js";

const goodMessage = (name: string): SQSRecord =>
  sqsRecord(
    encodeMessageBody([
      { op: "put", key: keyOf(goodItem(name)), item: goodItem(name), source: name, seq: "1" },
    ]),
    { messageId: `m-good-${name}` },
  );

/** The replica table (`pk` S, `sk` N) behind queueToTable, with a checked reject sink. */
const rig = () => {
  const db = new InMemoryDynamoDb();
  db.createTable(
    "replica",
    { partitionKey: "pk", sortKey: "sk" },
    { keyTypes: { pk: "S", sk: "N" } },
  );
  const rejects = new CheckedRejectSink();
  const handler = createQueueToTableHandler({
    table: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
    rejects,
  });
  /** Delivers the hostile record between two good messages. */
  const invoke = (hostile: unknown) =>
    handler(
      { Records: [goodMessage("before"), hostile, goodMessage("after")] } as SQSEvent,
      testContext(),
    );
  const expectNeighboursWritten = () => {
    for (const name of ["before", "after"])
      expect(db.get("replica", keyOf(goodItem(name)))).toEqual(goodItem(name));
  };
  return { db, rejects, invoke, expectNeighboursWritten };
};

describe("queueToTable: hostile message bodies", () => {
  it.each(queueToTableCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { db, rejects, invoke, expectNeighboursWritten } = rig();
    if ("absent" in c.expect) for (const key of c.expect.absent) db.put("replica", key);

    const response = await invoke(sqsRecord(c.body, { messageId: HOSTILE_ID }));

    expect(response).toEqual({ batchItemFailures: [] });
    expectNeighboursWritten();
    if ("rejected" in c.expect) {
      expectRejections(rejects, c.expect.rejected);
      const stored = c.expect.alsoStored ?? [];
      for (const item of stored) expect(db.get("replica", keyOf(item))).toEqual(item);
      expect(db.scan("replica")).toHaveLength(2 + stored.length);
    } else if ("stored" in c.expect) {
      expectRejections(rejects, []);
      for (const item of c.expect.stored)
        expect(unorderedMap(db.get("replica", keyOf(item)) ?? {})).toEqual(unorderedMap(item));
      expect(db.scan("replica")).toHaveLength(2 + c.expect.stored.length);
    } else {
      expectRejections(rejects, []);
      for (const key of c.expect.absent) expect(db.get("replica", key)).toBeUndefined();
      expect(db.scan("replica")).toHaveLength(2);
    }
  });
});

describe("queueToTable: malformed SQS records", () => {
  it.each(malformedSqsRecords.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { db, rejects, invoke, expectNeighboursWritten } = rig();
    const response = await invoke(c.record);
    expect(response).toEqual({ batchItemFailures: [] });
    expectNeighboursWritten();
    expectRejections(rejects, [c.expect]);
    expect(db.scan("replica")).toHaveLength(2);
  });

  it.each([
    ["no Records", {}],
    ["Records null", { Records: null }],
  ])("rejects an event with %s, writing nothing", async (_, event) => {
    const { rejects } = rig();
    const handler = createQueueToTableHandler({
      table: new InMemoryTableWriter(new InMemoryDynamoDb(), "none", noWaitRetryEnv),
      rejects,
    });
    expect(await handler(event as SQSEvent, testContext())).toEqual({ batchItemFailures: [] });
    expectRejections(rejects, [{ recordId: "event", field: "Records" }]);
  });

  it("rejects an event whose Records is not an array", async () => {
    const { db, rejects } = rig();
    const handler = createQueueToTableHandler({
      table: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
      rejects,
    });
    const event = { Records: { 0: goodMessage("x") } } as unknown as SQSEvent;
    expect(await handler(event, testContext())).toEqual({ batchItemFailures: [] });
    expectRejections(rejects, [{ recordId: "event", field: "Records" }]);
  });
});

describe("queueToTable: prototype pollution", () => {
  it("no message changes a prototype; __proto__ and constructor are stored as attributes", async () => {
    const before = prototypeSnapshot();
    const { db, rejects, invoke, expectNeighboursWritten } = rig();
    const item = fromJson<AttributeMap>(
      `{"pk":{"S":"__proto__"},"sk":{"N":"1"},"__proto__":{"M":{"polluted":{"S":"yes"}}},` +
        `"constructor":{"M":{"prototype":{"M":{"polluted":{"S":"yes"}}}}},"prototype":{"S":"x"}}`,
    );
    const bodies = [
      POLLUTING_JSON,
      `{"v":1,"__proto__":{"polluted":"yes"},"commands":[{"op":"put","__proto__":{"polluted":"yes"},` +
        `"key":{"pk":{"S":"__proto__"},"sk":{"N":"1"}},"item":${JSON.stringify(item)},"source":"s"}]}`,
      `{"__proto__":{"S":"x"},"constructor":{"S":"y"},"pk":{"S":"constructor"},"sk":{"N":"2"}}`,
    ];
    for (const body of bodies) await invoke(sqsRecord(body));
    expectNeighboursWritten();
    expectPrototypesUntouched(before);
    const stored = db.get("replica", { pk: { S: "__proto__" }, sk: { N: "1" } });
    expect(stored).toEqual(item);
    for (const name of ["__proto__", "constructor", "prototype"]) expectOwnAttribute(stored, name);
    const bare = db.get("replica", { pk: { S: "constructor" }, sk: { N: "2" } });
    for (const name of ["__proto__", "constructor"]) expectOwnAttribute(bare, name);
    expect(rejects.records.map((r) => r.error.field)).toEqual(["__proto__"]);
  });
});
