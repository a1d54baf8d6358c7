import type { DynamoDBStreamEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { offlineGlueCopy } from "../../handlers/assemblies/offlineGlueCopy.js";
import { createStreamToGlueHandler } from "../../handlers/streamToGlue.js";
import {
  CheckedRejectSink,
  expectOwnAttribute,
  expectPrototypesUntouched,
  expectRejections,
  fromJson,
  POLLUTING_JSON,
  prototypeSnapshot,
  unorderedMap,
} from "../support/hostile.js";
import { streamRecord } from "../support/hostileStreamRecords.js";
import { testContext } from "../support/sqs.js";
import { glueItemCases, glueMappings, glueRecordCases } from "./streamToGlue.hostileCatalogue.js";

const good = (id: string, sequence: string) =>
  streamRecord(
    "INSERT",
    { keys: { id: { S: id } }, newImage: { id: { S: id } } },
    { eventID: `evt-${id}`, sequence },
  );

/** streamToGlue on an in-memory Glue job, with a checked reject sink. */
const rig = () => {
  const db = new InMemoryDynamoDb();
  db.createTable("api-pagos", { partitionKey: "id" }, { stream: true });
  db.createTable("api-pos-backup", { partitionKey: "id" });
  const jobs = new InMemoryJobRunner({
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings: glueMappings,
  });
  const rejects = new CheckedRejectSink();
  const handler = createStreamToGlueHandler({ jobs, rejects });
  const invoke = (records: ReadonlyArray<unknown>) =>
    handler({ Records: records } as DynamoDBStreamEvent, testContext());
  return { jobs, rejects, handler, invoke };
};

describe("streamToGlue: hostile stream records", () => {
  it.each(glueRecordCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const { jobs, rejects, invoke } = rig();
    const response = await invoke([good("before", "100"), c.record, good("after", "300")]);
    expect(response).toEqual({ batchItemFailures: [] });
    // The good neighbours are changes: exactly one run starts for the batch.
    expect(jobs.runs).toHaveLength(1);
    expectRejections(rejects, "rejected" in c.expect ? [c.expect.rejected] : []);
  });

  it.each(glueRecordCases.filter((c) => "rejected" in c.expect).map((c) => [c.name, c] as const))(
    "a batch holding only %s starts no run",
    async (_, c) => {
      const { jobs, rejects, invoke } = rig();
      expect(await invoke([c.record])).toEqual({ batchItemFailures: [] });
      expect(jobs.runs).toHaveLength(0);
      expect(rejects.records).toHaveLength(1);
    },
  );

  it.each([
    ["no Records", {}, [{ recordId: "event", field: "Records" }]],
    ["Records null", { Records: null }, [{ recordId: "event", field: "Records" }]],
    ["Records an object", { Records: { 0: {} } }, [{ recordId: "event", field: "Records" }]],
    ["a null event", null, [{ recordId: "event", field: "$" }]],
  ])("handles an event with %s without a run", async (_, event, expected) => {
    const { jobs, rejects, handler } = rig();
    expect(await handler(event as unknown as DynamoDBStreamEvent, testContext())).toEqual({
      batchItemFailures: [],
    });
    expect(jobs.runs).toHaveLength(0);
    expectRejections(rejects, expected);
  });
});

describe("streamToGlue: items copied by the Glue job (ApplyMapping)", () => {
  it.each(glueItemCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const p = offlineGlueCopy({ mappings: glueMappings });
    p.db.put("api-pagos", { id: { S: "good-before" }, s: { S: "kept" } });
    p.db.put("api-pagos", c.item);
    p.db.put("api-pagos", { id: { S: "good-after" }, s: { S: "kept" } });
    const { runs } = await p.run();
    expect(runs.map((run) => run.state)).toEqual(["SUCCEEDED"]);
    const id = c.item.id ?? { S: "?" };
    for (const name of ["good-before", "good-after"])
      expect(p.db.get("api-pos-backup", { id: { S: name } })).toEqual({
        id: { S: name },
        s: { S: "kept" },
      });
    const failures = runs[0]?.result?.failures ?? [];
    if ("copied" in c.expect) {
      expect(failures).toEqual([]);
      expect(unorderedMap(p.db.get("api-pos-backup", { id }) ?? {})).toEqual(
        unorderedMap(c.expect.copied),
      );
    } else {
      expect(failures.map((f) => ({ recordId: f.error.recordId, field: f.error.field }))).toEqual([
        c.expect.failed,
      ]);
      expect(failures[0]?.key).toEqual({ id });
      expect(p.db.get("api-pos-backup", { id })).toBeUndefined();
    }
    expect(p.rejects.records).toEqual([]);
  });
});

describe("streamToGlue: prototype pollution", () => {
  it("no record or item changes a prototype; __proto__ and constructor are copied as attributes", async () => {
    const before = prototypeSnapshot();
    const { invoke, rejects } = rig();
    await invoke([
      fromJson(POLLUTING_JSON),
      fromJson(
        `{"eventID":"evt-p","eventName":"INSERT","__proto__":{"polluted":"yes"},"dynamodb":` +
          `{"__proto__":{"polluted":"yes"},"SequenceNumber":"201","Keys":{"id":{"S":"p"}},"NewImage":{"id":{"S":"p"}}}}`,
      ),
      streamRecord("INSERT", { keys: fromJson(POLLUTING_JSON) }),
    ]);
    expect(rejects.records.map((r) => r.error.recordId)).toEqual(["#0", "evt-hostile"]);
    const p = offlineGlueCopy({ mappings: glueMappings });
    const item = fromJson<AttributeMap>(
      '{"id":{"S":"__proto__"},"__proto__":{"S":"own"},"constructor":{"M":{"prototype":{"S":"x"}}}}',
    );
    p.db.put("api-pagos", item);
    await p.run();
    expectPrototypesUntouched(before);
    const copied = p.db.get("api-pos-backup", { id: { S: "__proto__" } });
    expect(copied).toEqual(
      fromJson(
        '{"id":{"S":"__proto__"},"__proto__":{"S":"own"},"ctor":{"M":{"prototype":{"S":"x"}}}}',
      ),
    );
    expectOwnAttribute(copied, "__proto__");
  });
});
