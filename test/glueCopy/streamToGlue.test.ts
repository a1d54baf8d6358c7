import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { applyMapping } from "../../domain/applyMapping.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import { createStreamToGlueHandler } from "../../handlers/streamToGlue.js";
import type { JobRunner } from "../../ports/jobRunner.js";
import { glueRig, payment, paymentMappings, streamRecord } from "./glueRig.js";

/** A runner that records its starts and answers from a list of outcomes (then succeeds). */
const scriptedRunner = (outcomes: ReadonlyArray<"ok" | "fail"> = []) => {
  const starts: Readonly<Record<string, string>>[] = [];
  const runner: JobRunner = {
    startRun: (args) => async () => {
      starts.push(args);
      return outcomes[starts.length - 1] === "fail"
        ? E.left({ _tag: "Configuration", resource: "Glue job x", reason: "does not exist" })
        : E.right({ runId: `jr_${starts.length}` });
    },
  };
  return { runner, starts };
};

describe("streamToGlue (in memory)", () => {
  it("starts exactly one run per invocation, with the configured arguments", async () => {
    const { db, jobs, poll } = glueRig();
    db.put("api-pagos", payment("p1", "10"));
    db.put("api-pagos", payment("p2", "20"));
    db.put("api-pagos", payment("p1", "11"));
    expect(await poll()).toEqual({ batchItemFailures: [] });
    expect(jobs.runs).toHaveLength(1);
    expect(jobs.runs[0]?.arguments).toEqual({ "--source": "api-pagos" });
    expect(await poll()).toBeUndefined();
    expect(jobs.runs).toHaveLength(1);
  });

  it("starts a run for a batch holding only a REMOVE", async () => {
    const { db, jobs, poll } = glueRig();
    db.put("api-pagos", payment("p1", "10"));
    await poll();
    jobs.completeRuns();
    db.delete("api-pagos", { id: { S: "p1" } });
    expect(await poll()).toEqual({ batchItemFailures: [] });
    expect(jobs.runs).toHaveLength(2);
  });

  it("leaves the batch unacknowledged on ConcurrentRunsExceeded, and the retry starts a run after the change", async () => {
    const { db, jobs, poll, advance, clock } = glueRig();
    db.put("api-pagos", payment("p1", "10"));
    await poll();
    advance(1_000);
    const changedAt = clock();
    db.put("api-pagos", payment("p2", "20"));
    db.put("api-pagos", payment("p1", "12"));
    const [firstChange] = db
      .stream("api-pagos")
      .read(db.stream("api-pagos").all()[0]?.dynamodb?.SequenceNumber, 10);
    const refused = await poll();
    expect(refused).toEqual({
      batchItemFailures: [{ itemIdentifier: firstChange?.dynamodb?.SequenceNumber }],
    });
    expect(jobs.runs).toHaveLength(1);
    advance(1_000);
    expect(await poll()).toMatchObject({
      batchItemFailures: [{ itemIdentifier: firstChange?.dynamodb?.SequenceNumber }],
    });
    jobs.completeRuns();
    advance(1_000);
    expect(await poll()).toEqual({ batchItemFailures: [] });
    expect(jobs.runs).toHaveLength(2);
    expect(jobs.runs[1]?.startedAt).toBeGreaterThan(changedAt);
    jobs.completeRuns();
    expect(db.get("api-pos-backup", { id: { S: "p1" } })?.amount).toEqual({ N: "12" });
  });

  it("copies what applyMapping gives over the source", async () => {
    const { db, jobs, poll } = glueRig({ batchSize: 10 });
    for (let i = 0; i < 30; i++)
      db.put("api-pagos", payment(`p${i}`, `${i}.${i}0`, i % 2 ? "Lima" : "Quito"));
    await poll();
    jobs.completeRuns();
    while ((await poll()) !== undefined) jobs.completeRuns();
    const expected = db.scan("api-pagos").map((item) => {
      const mapped = applyMapping(paymentMappings, item, canonicalKey({ id: item.id as never }));
      if (E.isLeft(mapped)) throw new Error(mapped.left.reason);
      return mapped.right;
    });
    expect(db.scan("api-pos-backup")).toEqual(expected);
    expect(jobs.runs.every((run) => run.state === "SUCCEEDED")).toBe(true);
  });

  it("rejects undecodable records and starts no run when nothing relevant decodes", async () => {
    const { runner, starts } = scriptedRunner();
    const rejects = new InMemoryRejectSink();
    const handler = createStreamToGlueHandler({ jobs: runner, rejects });
    // Keys not a map: undecodable. (A missing NewImage is no defect: KEYS_ONLY streams.)
    const broken = streamRecord("MODIFY", { id: { S: "p1" } });
    const undecodable = { ...broken, dynamodb: { ...broken.dynamodb, Keys: "p1" as never } };
    expect(await handler({ Records: [undecodable] }, localContext("g"))).toEqual({
      batchItemFailures: [],
    });
    expect(starts).toHaveLength(0);
    expect(rejects.records).toMatchObject([
      {
        error: { recordId: broken.eventID, field: "dynamodb.Keys" },
        identity: { sequenceNumber: broken.dynamodb?.SequenceNumber },
      },
    ]);
  });

  it("asks isRelevant which changes call for a run", async () => {
    const { runner, starts } = scriptedRunner();
    const handler = createStreamToGlueHandler({
      jobs: runner,
      rejects: new InMemoryRejectSink(),
      isRelevant: (change) => change.eventName !== "REMOVE",
    });
    const remove = streamRecord("REMOVE", { id: { S: "p1" } });
    expect(await handler({ Records: [remove] }, localContext("g"))).toEqual({
      batchItemFailures: [],
    });
    expect(starts).toHaveLength(0);
    const insert = streamRecord("INSERT", { id: { S: "p2" } }, payment("p2", "1"));
    await handler({ Records: [remove, insert] }, localContext("g"));
    expect(starts).toEqual([{}]);
  });

  it("on any start failure reports the first relevant record, and rejects only records before it", async () => {
    const { runner } = scriptedRunner(["fail"]);
    const rejects = new InMemoryRejectSink();
    const handler = createStreamToGlueHandler({ jobs: runner, rejects });
    // Undecodable (Keys not a map); a record without a NewImage would be relevant.
    const broken = (id: string) => {
      const record = streamRecord("MODIFY", { id: { S: id } });
      return { ...record, dynamodb: { ...record.dynamodb, Keys: id as never } };
    };
    const before = broken("b");
    const relevant = streamRecord("INSERT", { id: { S: "p" } }, payment("p", "1"));
    const after = broken("a");
    const records = [before, relevant, after];
    expect(await handler({ Records: records }, localContext("g"))).toEqual({
      batchItemFailures: [{ itemIdentifier: relevant.dynamodb?.SequenceNumber }],
    });
    expect(rejects.records.map((r) => r.error.recordId)).toEqual([before.eventID]);
    expect(await handler({ Records: records.slice(1) }, localContext("g"))).toEqual({
      batchItemFailures: [],
    });
    expect(rejects.records.map((r) => r.error.recordId)).toEqual([before.eventID, after.eventID]);
  });
});
