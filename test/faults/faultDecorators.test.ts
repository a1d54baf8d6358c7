import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { FaultyAggregateStore } from "../../adapters/localAws/faults/FaultyAggregateStore.js";
import { FaultyJobRunner } from "../../adapters/localAws/faults/FaultyJobRunner.js";
import { FaultyMessageQueue } from "../../adapters/localAws/faults/FaultyMessageQueue.js";
import { FaultyObjectStore } from "../../adapters/localAws/faults/FaultyObjectStore.js";
import { FaultyTableWriter } from "../../adapters/localAws/faults/FaultyTableWriter.js";
import { type Fault, FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { InjectedFaultError } from "../../adapters/localAws/faults/injectedFaults.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { type Deadline, unboundedDeadline } from "../../domain/deadline.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { WriteCommand } from "../../domain/writeCommand.js";

const tableRig = (faults: ReadonlyArray<Fault>, hang?: (d: Deadline | undefined) => void) => {
  const db = new InMemoryDynamoDb();
  db.createTable("t", { partitionKey: "pk" });
  const plan = FaultPlan.schedule(faults, hang ? { hang } : {});
  const writer = withFaults(new InMemoryTableWriter(db, "t", noWaitRetryEnv), plan);
  const put = (pk: string): WriteCommand => ({
    op: "put",
    key: { pk: { S: pk } },
    item: { pk: { S: pk } },
    source: pk,
  });
  const keys = () => db.scan("t").map((item) => (item.pk as { S: string }).S);
  return { db, plan, writer, put, keys };
};

describe("FaultyTableWriter", () => {
  it("passes ok calls through and keeps keySchema a plain read", async () => {
    const t = tableRig(["ok"]);
    expect(await t.writer.write([t.put("a")], unboundedDeadline)()).toEqual(
      E.right({ failed: [] }),
    );
    expect(await t.writer.keySchema()()).toEqual(E.right({ partitionKey: "pk" }));
    expect(t.keys()).toEqual(["a"]);
  });

  it("transient: nothing written, the call fails as Transient", async () => {
    const t = tableRig(["transient"]);
    const result = await t.writer.write([t.put("a")], unboundedDeadline)();
    expect(result).toMatchObject(E.left({ _tag: "Transient", operation: "BatchWriteItem" }));
    expect(t.keys()).toEqual([]);
  });

  it("timeout: the write happens, the call hangs past the deadline and fails as Transient", async () => {
    const hung: Array<Deadline | undefined> = [];
    const t = tableRig(["timeout"], (d) => hung.push(d));
    const deadline = { remainingMs: () => 1_000 };
    const result = await t.writer.write([t.put("a")], deadline)();
    expect(result).toMatchObject(E.left({ _tag: "Transient", operation: "TimeoutError" }));
    expect(t.keys()).toEqual(["a"]);
    expect(hung).toEqual([deadline]);
  });

  it("crashBefore / crashAfter: the promise rejects before / after the write", async () => {
    const t = tableRig(["crashBefore", "crashAfter"]);
    await expect(t.writer.write([t.put("a")], unboundedDeadline)()).rejects.toBeInstanceOf(
      InjectedFaultError,
    );
    expect(t.keys()).toEqual([]);
    await expect(t.writer.write([t.put("b")], unboundedDeadline)()).rejects.toThrow(/crashAfter/);
    expect(t.keys()).toEqual(["b"]);
  });

  it("partial: some commands written, the others reported failed (Transient), never all nor none", async () => {
    for (let seed = 0; seed < 20; seed++) {
      const db = new InMemoryDynamoDb();
      db.createTable("t", { partitionKey: "pk" });
      const writer = withFaults(
        new InMemoryTableWriter(db, "t"),
        FaultPlan.schedule(["partial"], { seed }),
      );
      const commands = ["a", "b", "c", "d"].map(
        (pk): WriteCommand => ({ op: "delete", key: { pk: { S: pk } }, source: pk }),
      );
      for (const c of commands) db.put("t", c.key);
      const result = await writer.write(commands, unboundedDeadline)();
      if (E.isLeft(result)) throw new Error("the call failed");
      const failed = result.right.failed.map((f) => f.command.source).sort();
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThan(4);
      expect(result.right.failed.every((f) => f.error._tag === "Transient")).toBe(true);
      expect(db.scan("t").map((i) => (i.pk as { S: string }).S)).toEqual(failed);
    }
  });

  it("transactionCanceled: nothing written, every command reported failed", async () => {
    const t = tableRig(["transactionCanceled"]);
    const result = await t.writer.write([t.put("a"), t.put("b")], unboundedDeadline)();
    expect(E.isRight(result) && result.right.failed.map((f) => f.error.reason)).toEqual([
      expect.stringMatching(/TransactionConflict/),
      expect.stringMatching(/TransactionConflict/),
    ]);
    expect(t.keys()).toEqual([]);
  });

  it("crashAfterK: the invocation dies right after its k-th write, across calls", async () => {
    const t = tableRig(["ok", { crashAfterK: 3 }]);
    t.plan.beginInvocation();
    await t.writer.write([t.put("a"), t.put("b")], unboundedDeadline)();
    await t.writer.write([t.put("c"), t.put("d")], unboundedDeadline)();
    await expect(t.writer.write([t.put("e"), t.put("f")], unboundedDeadline)()).rejects.toThrow(
      /crashAfterK/,
    );
    expect(t.keys()).toEqual(["a", "b", "c", "d", "e"]);
    t.plan.beginInvocation();
    await t.writer.write([t.put("g")], unboundedDeadline)();
    expect(t.keys()).toContain("g");
  });
});

describe("FaultyMessageQueue", () => {
  const queueRig = (faults: ReadonlyArray<Fault>, fifo: boolean, seed = 1) => {
    const sqs = new InMemorySqs(() => 0);
    const name = fifo ? "q.fifo" : "q";
    sqs.createQueue(name, { visibilityTimeoutSeconds: 30 });
    const queue = withFaults(
      new InMemoryMessageQueue(sqs, name, noWaitRetryEnv),
      FaultPlan.schedule(faults, { seed }),
    );
    const bodies = () => sqs.peek(name).map((m) => m.body);
    return { queue, bodies };
  };
  const message = (i: number, group?: string): OutgoingMessage => ({
    id: String(i),
    body: `m${i}`,
    ...(group === undefined ? {} : { groupId: group, deduplicationId: `d${i}` }),
  });

  it("partial on a FIFO queue: a failed message's later group members fail too; the rest is sent", async () => {
    for (let seed = 0; seed < 30; seed++) {
      const t = queueRig(["partial"], true, seed);
      const messages = [0, 1, 2, 3, 4, 5].map((i) => message(i, i % 2 === 0 ? "even" : "odd"));
      const result = await t.queue.send(messages, unboundedDeadline)();
      if (E.isLeft(result)) throw new Error("the call failed");
      const failed = new Set(result.right.failed.map((f) => Number(f.id)));
      expect(failed.size).toBeGreaterThan(0);
      for (const i of failed) if (i + 2 <= 5) expect(failed.has(i + 2)).toBe(true);
      expect(t.bodies()).toEqual(
        messages.filter((m) => !failed.has(Number(m.id))).map((m) => m.body),
      );
    }
  });

  it("crashAfterK: sends the first k messages of the call, then rejects", async () => {
    const t = queueRig([{ crashAfterK: 2 }], false);
    await expect(
      t.queue.send(
        [0, 1, 2].map((i) => message(i)),
        unboundedDeadline,
      )(),
    ).rejects.toBeInstanceOf(InjectedFaultError);
    expect(t.bodies()).toEqual(["m0", "m1"]);
  });

  it("keeps the inner queue's FIFO flag and sends empty calls without drawing a fault", async () => {
    const t = queueRig(["transient"], true);
    expect(t.queue.fifo).toBe(true);
    expect(await t.queue.send([], unboundedDeadline)()).toEqual(E.right({ failed: [] }));
    expect(E.isLeft(await t.queue.send([message(0, "g")], unboundedDeadline)())).toBe(true);
  });
});

describe("FaultyAggregateStore, FaultyJobRunner, FaultyObjectStore", () => {
  it("AggregateStore: transactionCanceled refuses the chunk; crashAfter applies it, then rejects", async () => {
    const db = new InMemoryDynamoDb();
    db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
    const layout = markerLayoutOf(seedAggregateSpec);
    const store = withFaults(
      new InMemoryAggregateStore(db, "totals", seedAggregateSpec, layout, () => 0),
      FaultPlan.schedule(["transactionCanceled", "crashAfter"]),
    );
    const key = { order_date: { S: "2026-11-21" }, item_number: { S: "i" } };
    const chunk = {
      markers: ["e1"],
      updates: [{ key, amount: "5", guard: { _tag: "None" } as const }],
      firstSequenceNumber: "1",
    };
    const refused = await store.apply(chunk)();
    expect(refused).toMatchObject(
      E.left({ _tag: "Transient", reason: expect.stringMatching(/^TransactionCanceledException/) }),
    );
    expect(db.get("totals", key)).toBeUndefined();
    await expect(store.apply(chunk)()).rejects.toBeInstanceOf(InjectedFaultError);
    expect(db.get("totals", key)?.quantity).toEqual({ N: "5" });
  });

  it("JobRunner: concurrentRunsExceeded starts nothing; timeout starts a run whose answer is lost", async () => {
    const db = new InMemoryDynamoDb();
    const inner = new InMemoryJobRunner({
      db,
      sourceTable: "s",
      targetTable: "t",
      mappings: [],
      maxConcurrentRuns: 5,
    });
    const jobs = withFaults(inner, FaultPlan.schedule(["concurrentRunsExceeded", "timeout"]));
    expect(await jobs.startRun({})()).toMatchObject(
      E.left({
        _tag: "Transient",
        operation: "StartJobRun",
        reason: expect.stringMatching(/^ConcurrentRunsExceededException/),
      }),
    );
    expect(inner.runs).toHaveLength(0);
    expect(await jobs.startRun({})()).toMatchObject(
      E.left({ _tag: "Transient", operation: "TimeoutError" }),
    );
    expect(inner.runs).toHaveLength(1);
  });

  it("ObjectStore: partial opens the object but its body breaks off", async () => {
    const s3 = new InMemoryObjectStore(4);
    s3.createBucket("b");
    s3.put("b", "k", "0123456789abcdef");
    const objects = withFaults(s3, FaultPlan.schedule(["partial", "transient"]));
    const opened = await objects.open({ bucket: "b", key: "k" })();
    if (E.isLeft(opened)) throw new Error("open failed");
    const read: string[] = [];
    await expect(async () => {
      for await (const chunk of opened.right.body) read.push(Buffer.from(chunk).toString());
    }).rejects.toBeInstanceOf(InjectedFaultError);
    expect(read.join("").length).toBeLessThan(16);
    expect("0123456789abcdef".startsWith(read.join(""))).toBe(true);
    expect(await objects.open({ bucket: "b", key: "k" })()).toMatchObject(
      E.left({ _tag: "Transient", operation: "GetObject" }),
    );
  });

  it("withFaults picks the decorator of the port", () => {
    const db = new InMemoryDynamoDb();
    const sqs = new InMemorySqs(() => 0);
    const plan = FaultPlan.none();
    expect(withFaults(new InMemoryTableWriter(db, "t"), plan)).toBeInstanceOf(FaultyTableWriter);
    expect(withFaults(new InMemoryMessageQueue(sqs, "q"), plan)).toBeInstanceOf(FaultyMessageQueue);
    expect(
      withFaults(
        new InMemoryAggregateStore(
          db,
          "t",
          seedAggregateSpec,
          markerLayoutOf(seedAggregateSpec),
          () => 0,
        ),
        plan,
      ),
    ).toBeInstanceOf(FaultyAggregateStore);
    expect(
      withFaults(
        new InMemoryJobRunner({ db, sourceTable: "s", targetTable: "t", mappings: [] }),
        plan,
      ),
    ).toBeInstanceOf(FaultyJobRunner);
    expect(withFaults(new InMemoryObjectStore(), plan)).toBeInstanceOf(FaultyObjectStore);
  });
});
