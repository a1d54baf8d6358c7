import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { invalidRecord, transient } from "../../domain/errors.js";
import { createKinesisToTableHandler } from "../../handlers/kinesisToTable.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { eventLogRig, kinesisEvent, kinesisRecord, pollShard } from "../support/kinesis.js";

const SHARD = "shardId-000000000000";

describe("kinesisToTable (in memory)", () => {
  it("stores one item per event, keyed by eventID and timed by the arrival time", async () => {
    const { kinesis, db, invoke, advance } = eventLogRig();
    const puts = [22.5, 23, 19.25].map((value) => {
      advance(1_000);
      return kinesis.putRecord(
        "EventStream",
        "1",
        JSON.stringify({ sensor: "temperature", value }),
      );
    });
    advance(3_600_000); // the handler runs an hour later: timestamps must not move
    await pollShard(kinesis, "EventStream", SHARD, invoke);
    expect(db.scan("EventLogs")).toHaveLength(3);
    expect(db.get("EventLogs", { eventId: { S: `${SHARD}:${puts[0]?.sequenceNumber}` } })).toEqual({
      eventId: { S: `${SHARD}:${puts[0]?.sequenceNumber}` },
      timestamp: { S: "2023-11-14T22:13:21.000Z" },
      data: { M: { sensor: { S: "temperature" }, value: { N: "22.5" } } },
      dataFormat: { S: "json" },
      partitionKey: { S: "1" },
      sequenceNumber: { S: puts[0]?.sequenceNumber ?? "" },
    });
  });

  it("leaves exactly one item per record when the same records are delivered again", async () => {
    const { kinesis, db, invoke } = eventLogRig();
    for (let i = 0; i < 40; i++)
      kinesis.putRecord("EventStream", `p${i % 3}`, JSON.stringify({ i }));
    const records = kinesis.read("EventStream", SHARD, undefined, 100);
    expect(await invoke(records)).toEqual({ batchItemFailures: [] });
    const first = db.scan("EventLogs");
    expect(await invoke(records.slice(10, 30))).toEqual({ batchItemFailures: [] });
    expect(await invoke(records)).toEqual({ batchItemFailures: [] });
    expect(db.scan("EventLogs")).toEqual(first);
    expect(first).toHaveLength(40);
  });

  it("stores a text payload as text and a non-UTF-8 one as binary, next to JSON ones", async () => {
    const { kinesis, db, rejects, invoke } = eventLogRig();
    const puts = [
      kinesis.putRecord("EventStream", "1", '{"ok":1}'),
      kinesis.putRecord("EventStream", "sensor-7", "temperature=22.5"),
      kinesis.putRecord("EventStream", "1", new Uint8Array([0xff, 0x00, 0xc3])),
    ];
    await pollShard(kinesis, "EventStream", SHARD, invoke);
    const stored = puts.map((put) =>
      db.get("EventLogs", { eventId: { S: `${SHARD}:${put.sequenceNumber}` } }),
    );
    expect(stored.map((item) => [item?.data, item?.dataFormat])).toEqual([
      [{ M: { ok: { N: "1" } } }, { S: "json" }],
      [{ S: "temperature=22.5" }, { S: "text" }],
      [{ B: "/wDD" }, { S: "binary" }],
    ]);
    expect(stored[1]?.partitionKey).toEqual({ S: "sensor-7" });
    expect(rejects.records).toEqual([]);
  });

  it("rejects an event whose item would exceed 400 KB with its identity, and writes the rest", async () => {
    const { kinesis, db, rejects, invoke } = eventLogRig();
    kinesis.putRecord("EventStream", "1", '{"ok":1}');
    const big = kinesis.putRecord("EventStream", "sensor-7", "x".repeat(410_000));
    kinesis.putRecord("EventStream", "1", '{"ok":3}');
    await pollShard(kinesis, "EventStream", SHARD, invoke);
    expect(db.scan("EventLogs").map((item) => item.data)).toEqual([
      { M: { ok: { N: "1" } } },
      { M: { ok: { N: "3" } } },
    ]);
    expect(rejects.records).toHaveLength(1);
    expect(rejects.records[0]).toMatchObject({
      error: { recordId: `${SHARD}:${big.sequenceNumber}`, field: "kinesis.data" },
      identity: {
        eventID: `${SHARD}:${big.sequenceNumber}`,
        sequenceNumber: big.sequenceNumber,
        partitionKey: "sensor-7",
      },
    });
    expect(rejects.records[0]?.error.reason).toContain("DynamoDB's limit is 409600");
  });

  it("reports the earliest record of a throttled write, and a retry from there completes the log", async () => {
    const { kinesis, db, rejects, invoke } = eventLogRig();
    for (let i = 0; i < 30; i++) kinesis.putRecord("EventStream", "1", JSON.stringify({ i }));
    // After the failure: rejected (an item over 400 KB) once, on the retry.
    kinesis.putRecord("EventStream", "1", "x".repeat(410_000));
    const records = kinesis.read("EventStream", SHARD, undefined, 100);
    let calls = 0;
    db.fault = (operation) =>
      operation === "BatchWriteItem" && ++calls > 1
        ? "ProvisionedThroughputExceededException"
        : undefined;
    const response = await invoke(records);
    // The first 25 landed in one BatchWriteItem; the second chunk stayed throttled through every retry.
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: records[25]?.kinesis.sequenceNumber }],
    });
    expect(db.scan("EventLogs")).toHaveLength(25);
    expect(rejects.records).toHaveLength(0);
    db.fault = undefined;
    expect(await invoke(records.slice(25))).toEqual({ batchItemFailures: [] });
    expect(db.scan("EventLogs")).toHaveLength(30);
    expect(rejects.records).toHaveLength(1);
  });

  it("resumes at the earliest record left unprocessed by BatchWriteItem", async () => {
    const { kinesis, db, invoke } = eventLogRig();
    for (let i = 0; i < 5; i++) kinesis.putRecord("EventStream", "1", JSON.stringify({ i }));
    // The first BatchWriteItem leaves every other item unprocessed; the retries are throttled.
    let calls = 0;
    db.fault = (operation) =>
      operation !== "BatchWriteItem"
        ? undefined
        : ++calls === 1
          ? "UnprocessedItems"
          : "ThrottlingException";
    const records = kinesis.read("EventStream", SHARD, undefined, 100);
    expect(await invoke(records)).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]?.kinesis.sequenceNumber }],
    });
    expect(db.scan("EventLogs")).toHaveLength(3);
    db.fault = undefined;
    const { invocations } = await pollShard(kinesis, "EventStream", SHARD, invoke);
    expect(invocations).toBe(1);
    expect(db.scan("EventLogs")).toHaveLength(5);
  });

  it("drains every shard of a multi-shard stream", async () => {
    const { kinesis, db, invoke } = eventLogRig({ shards: 4 });
    for (let i = 0; i < 50; i++)
      kinesis.putRecord("EventStream", `device-${i}`, JSON.stringify({ i }));
    for (const { shardId } of kinesis.listShards("EventStream"))
      await pollShard(kinesis, "EventStream", shardId, invoke, { batchSize: 7 });
    const logged = db
      .scan("EventLogs")
      .map((item) => (item.data as { M: { i: { N: string } } }).M.i.N);
    expect(logged.map(Number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it("rejects records the table refuses instead of blocking the shard", async () => {
    const { db, rejects } = eventLogRig();
    const inner = new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv);
    const records = [
      kinesisRecord({ payload: { ok: true } }),
      kinesisRecord({ payload: { ok: false } }),
    ];
    // A table double that refuses the second record, as DynamoDB refuses an item with ValidationException.
    const refusing: TableWriter = {
      keySchema: inner.keySchema,
      write: (commands, deadline) =>
        pipe(
          inner.write(
            commands.filter((c) => c.source !== records[1]?.eventID),
            deadline,
          ),
          TE.map((report) => ({
            failed: [
              ...report.failed,
              ...commands
                .filter((c) => c.source === records[1]?.eventID)
                .map((command) => ({
                  command,
                  error: invalidRecord("", "$", "refused by the table"),
                })),
            ],
          })),
        ),
    };
    const handler = createKinesisToTableHandler({ table: refusing, rejects });
    expect(await handler(kinesisEvent(records), localContext("k"))).toEqual({
      batchItemFailures: [],
    });
    expect(db.scan("EventLogs")).toHaveLength(1);
    expect(rejects.records).toEqual([
      {
        error: {
          _tag: "InvalidRecord",
          recordId: records[1]?.eventID,
          field: "$",
          reason: "refused by the table",
        },
        identity: {
          eventID: records[1]?.eventID,
          sequenceNumber: records[1]?.kinesis.sequenceNumber,
          partitionKey: "1",
        },
        original: records[1],
      },
    ]);
  });

  it("on a write that fails as a whole, resumes at the first record to write (rejecting those before it)", async () => {
    const { rejects } = eventLogRig();
    const failing: TableWriter = {
      keySchema: () => TE.right({ partitionKey: "eventId" }),
      write: () => TE.left(transient("BatchWriteItem", "connection reset")),
    };
    const records = [kinesisRecord({ raw: "%%" }), kinesisRecord(), kinesisRecord({ raw: "%%" })];
    const handler = createKinesisToTableHandler({ table: failing, rejects });
    expect(await handler(kinesisEvent(records), localContext("k"))).toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]?.kinesis.sequenceNumber }],
    });
    expect(rejects.records.map((r) => r.identity.eventID)).toEqual([records[0]?.eventID]);
  });

  it("throws when the table does not exist (configuration), acknowledging nothing", async () => {
    const db = new InMemoryDynamoDb();
    const handler = createKinesisToTableHandler({
      table: new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv),
      rejects: new InMemoryRejectSink(),
    });
    await expect(handler(kinesisEvent([kinesisRecord()]), localContext("k"))).rejects.toThrow(
      /EventLogs/,
    );
  });

  it("ignores an empty batch and a batch of only rejects", async () => {
    const { invoke, rejects, db } = eventLogRig();
    expect(await invoke([])).toEqual({ batchItemFailures: [] });
    expect(await invoke([kinesisRecord({ raw: "%%" })])).toEqual({ batchItemFailures: [] });
    expect(rejects.records).toHaveLength(1);
    expect(db.scan("EventLogs")).toEqual([]);
  });
});
