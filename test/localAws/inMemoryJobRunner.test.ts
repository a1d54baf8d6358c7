import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import type { Mapping } from "../../domain/applyMapping.js";
import { payment, paymentMappings } from "../glueCopy/glueRig.js";

const setup = (mappings: ReadonlyArray<Mapping> = paymentMappings, maxConcurrentRuns = 1) => {
  let now = 1_000;
  const db = new InMemoryDynamoDb();
  db.createTable("api-pagos", { partitionKey: "id" });
  db.createTable("api-pos-backup", { partitionKey: "id" });
  const jobs = new InMemoryJobRunner({
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings,
    maxConcurrentRuns,
    clock: () => now,
    jobName: "copy-pagos",
  });
  return {
    db,
    jobs,
    advance: (ms: number) => {
      now += ms;
    },
  };
};

describe("InMemoryJobRunner", () => {
  it("records a RUNNING run at the virtual time and copies nothing until runs complete", async () => {
    const { db, jobs } = setup();
    db.put("api-pagos", payment("p1", "10"));
    const run = await jobs.startRun({ "--x": "1" })();
    expect(E.isRight(run)).toBe(true);
    expect(jobs.runs).toEqual([
      {
        runId: E.isRight(run) ? run.right.runId : "",
        arguments: { "--x": "1" },
        startedAt: 1_000,
        state: "RUNNING",
      },
    ]);
    expect(db.scan("api-pos-backup")).toEqual([]);
  });

  it("copies the source through the mapping when runs complete, and marks them SUCCEEDED", async () => {
    const { db, jobs, advance } = setup();
    db.put("api-pagos", payment("p1", "10.50", "Cusco"));
    db.put("api-pagos", payment("p2", "3"));
    await jobs.startRun({})();
    advance(60_000);
    const [done] = jobs.completeRuns();
    expect(done).toMatchObject({
      state: "SUCCEEDED",
      completedAt: 61_000,
      result: { itemsRead: 2, itemsWritten: 2, failures: [] },
    });
    expect(db.scan("api-pos-backup")).toEqual([
      { id: { S: "p1" }, amount: { N: "10.5" }, state: { S: "PAID" }, city: { S: "Cusco" } },
      { id: { S: "p2" }, amount: { N: "3" }, state: { S: "PAID" }, city: { S: "Lima" } },
    ]);
    expect(jobs.completeRuns()).toEqual([]);
  });

  it("counts items the mapping cannot cast or the target refuses, and copies the others", async () => {
    const mappings: Mapping[] = [
      ["id", "string", "id", "string"],
      ["amount", "string", "amount", "int"],
    ];
    const { db, jobs } = setup(mappings);
    db.put("api-pagos", { id: { S: "ok" }, amount: { S: "7" } });
    db.put("api-pagos", { id: { S: "bad" }, amount: { S: "seven" } });
    db.put("api-pagos", { id: { S: "huge" }, amount: { S: "1".repeat(20) } });
    await jobs.startRun({})();
    const [done] = jobs.completeRuns();
    expect(done?.result?.itemsWritten).toBe(1);
    expect(done?.result?.failures.map((f) => [f.key, f.error.field])).toEqual([
      [{ id: { S: "bad" } }, "amount"],
      [{ id: { S: "huge" } }, "amount"],
    ]);
    expect(done?.result?.failures[0]?.error.recordId).toBe('[["id",{"S":"bad"}]]');
    expect(db.scan("api-pos-backup")).toEqual([{ id: { S: "ok" }, amount: { N: "7" } }]);
  });

  it("counts an item whose mapped image lacks the target's key as refused by the table", async () => {
    const { db, jobs } = setup([["amount", "decimal", "amount", "decimal"]]);
    db.put("api-pagos", payment("p1", "1"));
    await jobs.startRun({})();
    const [done] = jobs.completeRuns();
    expect(done?.result).toMatchObject({ itemsRead: 1, itemsWritten: 0 });
    expect(done?.result?.failures[0]?.error).toMatchObject({ _tag: "InvalidRecord", field: "$" });
  });

  it("refuses starts beyond MaxConcurrentRuns with a Transient ConcurrentRunsExceededException", async () => {
    const { jobs } = setup(paymentMappings, 2);
    expect(E.isRight(await jobs.startRun({})())).toBe(true);
    expect(E.isRight(await jobs.startRun({})())).toBe(true);
    const refused = await jobs.startRun({})();
    expect(refused).toMatchObject({
      _tag: "Left",
      left: { _tag: "Transient", operation: "ConcurrentRunsExceededException" },
    });
    expect(jobs.runs).toHaveLength(2);
    jobs.completeRuns();
    expect(E.isRight(await jobs.startRun({})())).toBe(true);
  });

  it("maps injected start faults like the Glue adapter, and fails runs on a JobRun fault", async () => {
    const { jobs } = setup();
    jobs.fault = (operation) =>
      operation === "StartJobRun" ? "EntityNotFoundException" : undefined;
    expect(await jobs.startRun({})()).toMatchObject({
      _tag: "Left",
      left: { _tag: "Configuration", resource: "Glue job copy-pagos" },
    });
    jobs.fault = (operation) => (operation === "StartJobRun" ? "ThrottlingException" : undefined);
    expect(await jobs.startRun({})()).toMatchObject({ _tag: "Left", left: { _tag: "Transient" } });
    jobs.fault = (operation) => (operation === "JobRun" ? "InternalServiceException" : undefined);
    await jobs.startRun({})();
    expect(jobs.completeRuns()).toMatchObject([
      { state: "FAILED", errorMessage: "injected InternalServiceException" },
    ]);
  });

  it("fails the run when the source table does not exist", async () => {
    const db = new InMemoryDynamoDb();
    const jobs = new InMemoryJobRunner({
      db,
      sourceTable: "nope",
      targetTable: "nope2",
      mappings: [],
    });
    await jobs.startRun({})();
    expect(jobs.completeRuns()).toMatchObject([{ state: "FAILED" }]);
  });
});
