import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/memory/InMemoryDynamoDb.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { putOf } from "../helpers/sqs.js";
import { contractSchema, tableWriterContract } from "./tableWriter.contract.js";

const setup = () => {
  const db = new InMemoryDynamoDb();
  db.createTable("replica", contractSchema);
  return { db, writer: new InMemoryTableWriter(db, "replica", noWaitRetryEnv) };
};

tableWriterContract("InMemoryTableWriter", async () => {
  const { db, writer } = setup();
  return {
    writer,
    get: async (key) => db.get("replica", key),
    seed: async (item) => {
      db.put("replica", item);
    },
  };
});

const item = (i: number): AttributeMap => ({ pk: { S: "p" }, sk: { N: String(i) } });

describe("InMemoryTableWriter faults", () => {
  it("retries unprocessed items until every one is written", async () => {
    const { db, writer } = setup();
    let batchCalls = 0;
    db.fault = (operation) => {
      if (operation !== "BatchWriteItem") return undefined;
      batchCalls += 1;
      return "UnprocessedItems";
    };
    const commands = Array.from({ length: 25 }, (_, i) => putOf(item(i), contractSchema, `e${i}`));
    expect(await writer.write(commands, unboundedDeadline)()).toEqual(E.right({ failed: [] }));
    expect(batchCalls).toBeGreaterThan(1);
    expect(db.scan("replica")).toHaveLength(25);
  });

  it("reports items still unprocessed when the deadline leaves no time to retry", async () => {
    const { db, writer } = setup();
    db.fault = (operation) => (operation === "BatchWriteItem" ? "UnprocessedItems" : undefined);
    const commands = Array.from({ length: 4 }, (_, i) => putOf(item(i), contractSchema, `e${i}`));
    const result = await writer.write(commands, { remainingMs: () => 0 })();
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
    expect(result.right.failed.map((f) => f.command.source)).toEqual(["e1", "e3"]);
    expect(result.right.failed.every((f) => f.error._tag === "Transient")).toBe(true);
    expect(db.scan("replica")).toHaveLength(2);
  });

  it("reports a throttled batch as Transient once the retries run out", async () => {
    const { db, writer } = setup();
    db.fault = (operation) => (operation === "BatchWriteItem" ? "ThrottlingException" : undefined);
    const result = await writer.write([putOf(item(1), contractSchema, "e1")], unboundedDeadline)();
    expect(result).toEqual(
      E.right({
        failed: [
          { command: expect.anything(), error: expect.objectContaining({ _tag: "Transient" }) },
        ],
      }),
    );
  });

  it("returns a Configuration error when the table does not exist", async () => {
    const writer = new InMemoryTableWriter(new InMemoryDynamoDb(), "missing", noWaitRetryEnv);
    const result = await writer.write([putOf(item(1), contractSchema, "e1")], unboundedDeadline)();
    expect(result).toEqual(E.left(expect.objectContaining({ _tag: "Configuration" })));
  });
});
