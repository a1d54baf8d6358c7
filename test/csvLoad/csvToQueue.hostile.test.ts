import type { S3Event } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { csvObjectId, csvRowId } from "../../domain/csvRowId.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import { createCsvToQueueHandler } from "../../handlers/csvToQueue.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
import {
  CheckedRejectSink,
  type ExpectedRejection,
  expectOwnAttribute,
  expectPrototypesUntouched,
  expectRejections,
  POLLUTING_JSON,
  prototypeSnapshot,
  unorderedMap,
} from "../support/hostile.js";
import { testContext, virtualClock } from "../support/sqs.js";
import { s3Event } from "./csvRig.js";
import { csvObjectCases, s3RecordCases } from "./csvToQueue.hostileCatalogue.js";

const BUCKET = "uploads";
const goodRow = (which: string): AttributeMap => ({
  id: { S: `good-${which}` },
  name: { S: "kept" },
});

/** S3 bucket → csvToQueue → FIFO queue → queueToTable → table `items` (key `id`). */
const rig = (schema?: CsvSchema) => {
  const clock = virtualClock();
  const objects = new InMemoryObjectStore();
  objects.createBucket(BUCKET);
  const sqs = new InMemorySqs(clock.now);
  sqs.createQueue("rows.fifo", { visibilityTimeoutSeconds: 30 });
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("items", { partitionKey: "id" }, { keyTypes: { id: "S" } });
  const rejects = new CheckedRejectSink();
  const handler = createCsvToQueueHandler({
    objects,
    queue: new InMemoryMessageQueue(sqs, "rows.fifo", noWaitRetryEnv),
    rejects,
    ...(schema === undefined ? {} : { schema }),
  });
  const consumer = new SqsEventSourceRunner(
    sqs,
    "rows.fifo",
    createQueueToTableHandler({
      table: new InMemoryTableWriter(db, "items", noWaitRetryEnv),
      rejects,
    }),
    { clock: clock.now, advanceClock: clock.advance },
  );
  for (const which of ["before", "after"])
    objects.put(BUCKET, `good-${which}.csv`, `id,name\ngood-${which},kept\n`);
  const goodRecord = (which: string) =>
    s3Event([{ bucket: BUCKET, key: `good-${which}.csv` }]).Records[0];
  /** One S3 event: the good objects around the hostile record; then the queue is drained. */
  const run = async (hostile: unknown) => {
    const event = { Records: [goodRecord("before"), hostile, goodRecord("after")] };
    await handler(event as S3Event, testContext());
    const drained = await consumer.run();
    expect(drained.drained).toBe(true);
  };
  /** The items, good neighbours checked and left out. */
  const hostileItems = (): AttributeMap[] => {
    for (const which of ["before", "after"])
      expect(db.get("items", { id: { S: `good-${which}` } })).toEqual(goodRow(which));
    return db
      .scan("items")
      .filter((item) => !(item.id && "S" in item.id && item.id.S.startsWith("good-")));
  };
  return { objects, db, rejects, handler, run, hostileItems };
};

/** The message id of the i-th reject, after checking it names the row `rowId` as its source. */
const messageIdOf = (sink: CheckedRejectSink, i: number, rowId: string): string => {
  const record = sink.records[i];
  expect(record?.identity.source).toBe(rowId);
  return record?.error.recordId ?? "";
};

const sortById = (items: ReadonlyArray<AttributeMap>) =>
  [...items]
    .map(unorderedMap)
    .sort((a, b) => JSON.stringify(a.id).localeCompare(JSON.stringify(b.id)));

describe("csvToQueue: hostile CSV objects", () => {
  it.each(csvObjectCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const t = rig(c.schema);
    const key = c.key ?? "hostile.csv";
    const { etag } = t.objects.put(BUCKET, key, c.body);
    await t.run(s3Event([{ bucket: BUCKET, key }]).Records[0]);
    const ref = { bucket: BUCKET, key, etag };
    expectRejections(
      t.rejects,
      c.expect.rejected.map(
        (r, i): ExpectedRejection => ({
          recordId:
            r.byTable === true
              ? messageIdOf(t.rejects, i, r.line === undefined ? "" : csvRowId(ref, r.line))
              : r.line === undefined
                ? csvObjectId(ref)
                : csvRowId(ref, r.line),
          field: r.field,
          ...(r.reason === undefined ? {} : { reason: r.reason }),
        }),
      ),
    );
    expect(sortById(t.hostileItems())).toEqual(sortById(c.expect.stored));
  });
});

describe("csvToQueue: hostile S3 notifications", () => {
  it.each(s3RecordCases.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const t = rig();
    t.objects.put(BUCKET, "ok.csv", "id,name\nok,1\n");
    await t.run(c.record);
    expectRejections(t.rejects, "rejected" in c.expect ? [c.expect.rejected] : []);
    expect(t.hostileItems()).toEqual(
      "loaded" in c.expect ? [{ id: { S: "ok" }, name: { S: "1" } }] : [],
    );
  });

  it.each([
    ["S3's test event (no Records)", { Service: "Amazon S3", Event: "s3:TestEvent" }, []],
    ["no Records", {}, [{ recordId: "event", field: "Records" }]],
    ["Records null", { Records: null }, [{ recordId: "event", field: "Records" }]],
    ["Records an object", { Records: {} }, [{ recordId: "event", field: "Records" }]],
    ["a null event", null, [{ recordId: "event", field: "$" }]],
  ])("handles an event with %s", async (_, event, expected) => {
    const t = rig();
    await t.handler(event as unknown as S3Event, testContext());
    expectRejections(t.rejects, expected);
  });
});

describe("csvToQueue: prototype pollution", () => {
  it("no object or notification changes a prototype; __proto__ columns are attributes", async () => {
    const before = prototypeSnapshot();
    const t = rig({ key: { partitionKey: "id" }, columns: { doc: "json" } });
    const body = `id,__proto__,constructor,doc\nx,a,b,"${POLLUTING_JSON.replace(/"/g, '""')}"\n`;
    t.objects.put(BUCKET, "__proto__.csv", body);
    await t.run(s3Event([{ bucket: BUCKET, key: "__proto__.csv" }]).Records[0]);
    await t.run(
      JSON.parse(
        `{"__proto__":{"polluted":"yes"},"eventName":"ObjectCreated:Put","s3":{"__proto__":{"x":1}}}`,
      ),
    );
    expectPrototypesUntouched(before);
    const [item] = t.hostileItems();
    for (const name of ["__proto__", "constructor", "doc"]) expectOwnAttribute(item, name);
    const doc = item?.doc;
    expect(doc !== undefined && "M" in doc ? Object.keys(doc.M) : []).toEqual([
      "__proto__",
      "constructor",
      "prototype",
    ]);
    expect(t.rejects.records.map((r) => r.error.field)).toEqual(["s3.bucket"]);
  });
});
