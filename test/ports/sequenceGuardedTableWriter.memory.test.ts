import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySequenceGuardedTableWriter } from "../../adapters/memory/InMemorySequenceGuardedTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { versionKeyOf } from "../../adapters/shared/sequenceGuardedWrites.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { versionTableSchema } from "../../domain/sequenceGuard.js";
import { putOf } from "../support/sqs.js";
import {
  guardedSchema,
  sequenceGuardedTableWriterContract,
} from "./sequenceGuardedTableWriter.contract.js";

const NOW = 1_700_000_000_000;

const setup = (options: { readonly versions?: boolean; readonly ttl?: number } = {}) => {
  const db = new InMemoryDynamoDb();
  db.createTable("replica", guardedSchema);
  if (options.versions ?? true) db.createTable("versions", versionTableSchema);
  const writer = new InMemorySequenceGuardedTableWriter(db, {
    table: "replica",
    versionTable: "versions",
    clock: () => NOW,
    retry: noWaitRetryEnv,
    ...(options.ttl === undefined ? {} : { versionTtlSeconds: options.ttl }),
  });
  return { db, writer };
};

sequenceGuardedTableWriterContract("InMemorySequenceGuardedTableWriter", async () => {
  const { db, writer } = setup();
  return {
    writer,
    get: async (key) => db.get("replica", key),
    seed: async (item) => {
      db.put("replica", item);
    },
  };
});

const key = (sk: number): AttributeMap => ({ pk: { S: "p" }, sk: { N: String(sk) } });
const put = (sk: number, seq: string) =>
  putOf({ ...key(sk), v: { S: seq } }, guardedSchema, `e${sk}-${seq}`, seq);

describe("InMemorySequenceGuardedTableWriter", () => {
  it("keeps one version item per key for good: digest key, 48-digit seq, no expiry", async () => {
    const { db, writer } = setup();
    await writer.write([put(1, "41"), put(2, "7")], unboundedDeadline)();
    await writer.write([put(1, "40")], unboundedDeadline)();
    const pk = versionKeyOf("replica", { pk: { S: "p" }, sk: { N: "1.0" } });
    expect(pk).toMatch(/^[0-9a-f]{64}$/);
    expect(db.get("versions", { pk: { S: pk } })).toEqual({
      pk: { S: pk },
      seq: { S: `${"0".repeat(46)}41` },
    });
    expect(db.scan("versions")).toHaveLength(2);
  });

  it("writes `expiresAt` (epoch seconds) only when given an explicit lifetime", async () => {
    const { db, writer } = setup({ ttl: 3600 });
    await writer.write([put(1, "41")], unboundedDeadline)();
    const pk = versionKeyOf("replica", { pk: { S: "p" }, sk: { N: "1" } });
    expect(db.get("versions", { pk: { S: pk } })?.expiresAt).toEqual({
      N: String(NOW / 1000 + 3600),
    });
  });

  it("writes at most 50 commands per transaction", async () => {
    const { db, writer } = setup();
    const commands = Array.from({ length: 101 }, (_, i) => put(i, "1"));
    expect(await writer.write(commands, unboundedDeadline)()).toEqual(E.right({ failed: [] }));
    expect(db.usage.requests.get("TransactWriteItems")).toBe(3);
    expect(db.scan("replica")).toHaveLength(101);
  });

  it("drops stale commands from a cancelled transaction and writes the rest in a new one", async () => {
    const { db, writer } = setup();
    await writer.write([put(2, "9")], unboundedDeadline)();
    const report = await writer.write([put(1, "5"), put(2, "5"), put(3, "5")], unboundedDeadline)();
    // The stale command is done, and reported as such (queueToTable counts it as Skipped).
    expect(report).toEqual(E.right({ failed: [], stale: [put(2, "5")] }));
    expect(db.usage.requests.get("TransactWriteItems")).toBe(2);
    expect(db.scan("replica").map((item) => item.v)).toEqual([{ S: "5" }, { S: "9" }, { S: "5" }]);
  });

  it("retries throttled and conflicting transactions until they land", async () => {
    const { db, writer } = setup();
    const faults = ["ThrottlingException", "TransactionConflictException"];
    db.fault = (operation) => (operation === "TransactWriteItems" ? faults.shift() : undefined);
    expect(await writer.write([put(1, "1")], unboundedDeadline)()).toEqual(E.right({ failed: [] }));
    expect(faults).toEqual([]);
    expect(db.get("replica", key(1))).toEqual({ ...key(1), v: { S: "1" } });
  });

  it("reports commands still throttled at the deadline as Transient, and writes nothing", async () => {
    const { db, writer } = setup();
    db.fault = (operation) =>
      operation === "TransactWriteItems" ? "ProvisionedThroughputExceededException" : undefined;
    const result = await writer.write([put(1, "1"), put(2, "1")], { remainingMs: () => 0 })();
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.failed.map((f) => [f.command.source, f.error._tag])).toEqual([
      ["e1-1", "Transient"],
      ["e2-1", "Transient"],
    ]);
    expect(db.scan("replica")).toEqual([]);
    expect(db.scan("versions")).toEqual([]);
  });

  it("returns a Configuration error naming the version table when it does not exist", async () => {
    const { writer } = setup({ versions: false });
    const result = await writer.write([put(1, "1")], unboundedDeadline)();
    expect(result).toEqual(
      E.left(
        expect.objectContaining({
          _tag: "Configuration",
          resource: expect.stringContaining("versions"),
        }),
      ),
    );
  });
});
