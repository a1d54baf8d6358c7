import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import { csvRowId } from "../../domain/csvRowId.js";
import { type CsvSchema, decodeCsvSchema } from "../../domain/csvSchema.js";
import {
  type CsvToQueueDeps,
  createCsvToQueueHandler,
  decodeS3EventKey,
  handler as envHandler,
} from "../../handlers/csvToQueue.js";
import { fifoGroupId } from "../../ports/useCases/loadCsvObject.js";
import { CountingObjectStore, csvQueue, csvText, queuedCommands, s3Event } from "./csvRig.js";

const BUCKET = "uploads";
const context = () => localContext("csvToQueue", 60_000, () => 0);

const schemaOf = (json: unknown): CsvSchema => {
  const schema = decodeCsvSchema(json);
  if (E.isLeft(schema)) throw new Error(schema.left);
  return schema.right;
};

const setup = (options: { fifo?: boolean; versioned?: boolean; chunkBytes?: number } = {}) => {
  const objects = new InMemoryObjectStore(options.chunkBytes);
  objects.createBucket(BUCKET, { versioned: options.versioned ?? false });
  const { sqs, name, queue } = csvQueue({ fifo: options.fifo ?? false });
  const rejects = new InMemoryRejectSink();
  const run = async (keys: string[], deps: Partial<CsvToQueueDeps> = {}, versionId?: string) => {
    const handle = createCsvToQueueHandler({ objects, queue, rejects, ...deps });
    await handle(
      s3Event(keys.map((key) => ({ bucket: BUCKET, key, ...(versionId ? { versionId } : {}) }))),
      context(),
    );
  };
  const commands = (key: KeySchema = { partitionKey: "id" }) => queuedCommands(sqs, name, key);
  return { objects, sqs, name, queue, rejects, run, commands };
};

const items = (commands: ReturnType<ReturnType<typeof setup>["commands"]>) =>
  commands.map((c) => (c.op === "put" ? c.item : c.key));

describe("csvToQueue: parsing", () => {
  it("sends quoted fields with commas, line breaks and quotes, past a BOM, CRLF and empty lines", async () => {
    const t = setup();
    const text = '\uFEFFid,note\r\n1,"a, b"\r\n\r\n2,"two\r\nlines"\r\n3,"say ""hi"""\r\n\r\n';
    const put = t.objects.put(BUCKET, "in.csv", text);
    await t.run(["in.csv"]);
    const commands = t.commands();
    expect(items(commands)).toEqual([
      { id: { S: "1" }, note: { S: "a, b" } },
      { id: { S: "2" }, note: { S: "two\r\nlines" } },
      { id: { S: "3" }, note: { S: 'say "hi"' } },
    ]);
    const ref = { bucket: BUCKET, key: "in.csv", etag: put.etag };
    expect(commands.map((c) => c.source)).toEqual([
      csvRowId(ref, 2),
      csvRowId(ref, 4),
      csvRowId(ref, 6),
    ]);
    expect(t.rejects.records).toEqual([]);
  });

  it("reports wrong column counts with their line numbers and sends the other rows", async () => {
    const t = setup();
    const put = t.objects.put(BUCKET, "in.csv", "id,a,b\n1,x,y\n2,x\n3,x,y\n4,x,y,z\n5,x,y\n");
    await t.run(["in.csv"]);
    expect(t.commands().map((c) => c.key.id)).toEqual([{ S: "1" }, { S: "3" }, { S: "5" }]);
    const ref = { bucket: BUCKET, key: "in.csv", etag: put.etag };
    expect(t.rejects.records.map((r) => [r.error.recordId, r.error.field])).toEqual([
      [csvRowId(ref, 3), "$"],
      [csvRowId(ref, 5), "$"],
    ]);
    expect(t.rejects.records[0]?.identity).toMatchObject({
      bucket: BUCKET,
      key: "in.csv",
      line: 3,
    });
  });

  it("maps typed columns with the schema and rejects bad values naming the column", async () => {
    const t = setup();
    const schema = schemaOf({
      key: { partitionKey: "sku", sortKey: "day" },
      columns: { qty: "number", ok: "boolean", doc: "json", tags: "stringSet", skipme: "skip" },
      emptyAs: "null",
    });
    t.objects.put(
      BUCKET,
      "typed.csv",
      csvText([
        ["sku", "day", "qty", "ok", "doc", "tags", "skipme", "note"],
        ["a", "d1", "0.12345678901234567890123456789", "True", '{"x":[1,"y"]}', "r|g", "zz", ""],
        ["b", "d1", "many", "false", "{}", "r", "", "n"],
      ]),
    );
    await t.run(["typed.csv"], { schema });
    expect(items(t.commands({ partitionKey: "sku", sortKey: "day" }))).toEqual([
      {
        sku: { S: "a" },
        day: { S: "d1" },
        qty: { N: "0.12345678901234567890123456789" },
        ok: { BOOL: true },
        doc: { M: { x: { L: [{ N: "1" }, { S: "y" }] } } },
        tags: { SS: ["r", "g"] },
        note: { NULL: true },
      },
    ]);
    expect(t.rejects.records.map((r) => r.error.field)).toEqual(["qty"]);
    expect(t.rejects.records[0]?.error.recordId).toMatch(/#L3$/);
  });

  it("rejects the whole object when the header lacks a key column", async () => {
    const t = setup();
    t.objects.put(BUCKET, "in.csv", "name,qty\nx,1\n");
    await t.run(["in.csv"], { schema: schemaOf({ key: { partitionKey: "id" } }) });
    expect(t.commands()).toEqual([]);
    expect(t.rejects.records.map((r) => [r.error.field, r.error.reason])).toEqual([
      ["id", "key column is missing from the header"],
    ]);
  });

  it("rejects an empty object", async () => {
    const t = setup();
    t.objects.put(BUCKET, "empty.csv", "");
    await t.run(["empty.csv"]);
    expect(t.commands()).toEqual([]);
    expect(t.rejects.records[0]?.error.reason).toContain("no header row");
  });
});

describe("csvToQueue: S3 events", () => {
  it("decodes URL-encoded keys with spaces, plus signs and unicode", async () => {
    expect(decodeS3EventKey("informes/m%C3%A1s+datos%2B1.csv")).toBe("informes/más datos+1.csv");
    const t = setup();
    const key = "informes/más datos + año 😀.csv";
    t.objects.put(BUCKET, key, "id\n1\n");
    await t.run([key]);
    expect(t.commands().map((c) => c.source)).toEqual([
      expect.stringContaining(`s3://${BUCKET}/${key}?etag=`),
    ]);
    expect(t.rejects.records).toEqual([]);
  });

  it("rejects a key whose encoding is broken and goes on with the next record", async () => {
    const t = setup();
    t.objects.put(BUCKET, "ok.csv", "id\n1\n");
    const event = s3Event([{ bucket: BUCKET, key: "ok.csv" }]);
    const broken = structuredClone(event.Records[0]);
    if (broken === undefined) throw new Error("no record");
    broken.s3.object.key = "bad%E0%A4%A.csv";
    await createCsvToQueueHandler({ objects: t.objects, queue: t.queue, rejects: t.rejects })(
      { Records: [broken, ...event.Records] },
      context(),
    );
    expect(t.rejects.records.map((r) => r.error.field)).toEqual(["s3.object.key"]);
    expect(t.commands()).toHaveLength(1);
  });

  it("rejects a missing object and loads the others", async () => {
    const t = setup();
    t.objects.put(BUCKET, "b.csv", "id\n1\n");
    await t.run(["a.csv", "b.csv"]);
    expect(t.rejects.records.map((r) => r.error.recordId)).toEqual([`s3://${BUCKET}/a.csv`]);
    expect(t.commands()).toHaveLength(1);
  });

  it("throws when the bucket does not exist (configuration)", async () => {
    const t = setup();
    const handle = createCsvToQueueHandler({
      objects: t.objects,
      queue: t.queue,
      rejects: t.rejects,
    });
    await expect(handle(s3Event([{ bucket: "nope", key: "a.csv" }]), context())).rejects.toThrow(
      /bucket nope/,
    );
  });

  it("ignores events other than ObjectCreated", async () => {
    const t = setup();
    t.objects.put(BUCKET, "a.csv", "id\n1\n");
    const handle = createCsvToQueueHandler({
      objects: t.objects,
      queue: t.queue,
      rejects: t.rejects,
    });
    await handle(
      s3Event([{ bucket: BUCKET, key: "a.csv", eventName: "ObjectRemoved:Delete" }]),
      context(),
    );
    expect(t.queue.sends).toEqual([]);
  });

  it("reads the version named by the event on a versioned bucket", async () => {
    const t = setup({ versioned: true });
    const v1 = t.objects.put(BUCKET, "v.csv", "id,n\n1,old\n");
    t.objects.put(BUCKET, "v.csv", "id,n\n1,new\n");
    await t.run(["v.csv"], {}, v1.versionId);
    expect(items(t.commands())).toEqual([{ id: { S: "1" }, n: { S: "old" } }]);
    expect(t.commands()[0]?.source).toBe(`s3://${BUCKET}/v.csv?versionId=${v1.versionId}#L2`);
  });
});

describe("csvToQueue: sending", () => {
  it("sends messages in batches of 10", async () => {
    const t = setup();
    const rows = Array.from({ length: 25 }, (_, i) => [String(i)]);
    t.objects.put(BUCKET, "in.csv", csvText([["id"], ...rows]));
    await t.run(["in.csv"]);
    expect(t.queue.sends.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(t.commands().map((c) => c.key.id)).toEqual(rows.map(([id]) => ({ S: id })));
  });

  it("packs rowsPerMessage rows per message", async () => {
    const t = setup();
    const rows = Array.from({ length: 7 }, (_, i) => [String(i)]);
    t.objects.put(BUCKET, "in.csv", csvText([["id"], ...rows]));
    await t.run(["in.csv"], { rowsPerMessage: 3 });
    expect(t.sqs.peek(t.name)).toHaveLength(3);
    expect(t.commands().map((c) => c.key.id)).toEqual(rows.map(([id]) => ({ S: id })));
  });

  it("refuses a rowsPerMessage that is not a positive integer", () => {
    const t = setup();
    expect(() =>
      createCsvToQueueHandler({
        objects: t.objects,
        queue: t.queue,
        rejects: t.rejects,
        rowsPerMessage: 0,
      }),
    ).toThrow(RangeError);
  });

  it("on a FIFO queue groups by object key; a re-read enqueues its rows again, in order", async () => {
    const t = setup({ fifo: true });
    t.objects.put(BUCKET, "in.csv", "id\n1\n2\n");
    await t.run(["in.csv"]);
    // S3 retried the event: same version, same row ids, but never deduplicated against the
    // first read (SQS's 5-minute window could expire for some of its messages and not others).
    await t.run(["in.csv"]);
    expect(t.sqs.peek(t.name).map((m) => m.body)).toEqual(t.queue.sends.flat().map((m) => m.body));
    const sent = t.queue.sends.flat();
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((m) => m.groupId))).toEqual(new Set(["in.csv"]));
    expect(sent[0]?.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(sent[0]?.body).toBe(sent[2]?.body);
    expect(new Set(sent.map((m) => m.deduplicationId)).size).toBe(4);
    t.objects.put(BUCKET, "in.csv", "id\n1\n2\n3\n"); // a new version: new ids
    await t.run(["in.csv"]);
    expect(t.sqs.peek(t.name)).toHaveLength(7);
  });

  it("hashes group ids SQS would refuse (spaces, unicode, > 128 characters)", () => {
    expect(fifoGroupId("a/b.csv")).toBe("a/b.csv");
    expect(fifoGroupId("más datos.csv")).toMatch(/^[0-9a-f]{64}$/);
    expect(fifoGroupId("k".repeat(129))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects the rows of a message the queue refuses as invalid, and sends the others", async () => {
    const t = setup();
    const big = "x".repeat(300 * 1024); // a valid item (< 400 KB) but over SQS's 256 KiB
    const put = t.objects.put(
      BUCKET,
      "in.csv",
      csvText([
        ["id", "v"],
        ["1", "a"],
        ["2", big],
        ["3", "c"],
      ]),
    );
    await t.run(["in.csv"]);
    expect(t.commands().map((c) => c.key.id)).toEqual([{ S: "1" }, { S: "3" }]);
    expect(t.rejects.records.map((r) => r.error.recordId)).toEqual([
      csvRowId({ bucket: BUCKET, key: "in.csv", etag: put.etag }, 3),
    ]);
  });

  it("throws when sends keep failing, for S3's retry of the whole object", async () => {
    const t = setup();
    t.objects.put(BUCKET, "in.csv", "id\n1\n");
    t.sqs.fault = (operation) =>
      operation === "SendMessageBatch" ? "ThrottlingException" : undefined;
    await expect(t.run(["in.csv"])).rejects.toThrow(/Throttling/);
    t.sqs.fault = undefined;
    await t.run(["in.csv"]);
    expect(t.commands()).toHaveLength(1);
  });

  it("does not read the object while a send is in flight (backpressure)", async () => {
    const t = setup({ chunkBytes: 64 });
    const rows = Array.from({ length: 200 }, (_, i) => [String(i).padStart(6, "0")]);
    t.objects.put(BUCKET, "in.csv", csvText([["id"], ...rows]));
    const counting = new CountingObjectStore(t.objects);
    const pulledAtSend: number[] = [];
    const pulledAtRelease: number[] = [];
    t.queue.gate = async () => {
      pulledAtSend.push(counting.pulled);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      pulledAtRelease.push(counting.pulled);
    };
    await t.run(["in.csv"], { objects: counting });
    expect(pulledAtSend.length).toBe(20);
    expect(pulledAtRelease).toEqual(pulledAtSend);
    // Reading is interleaved with sending: the first send happens long before the end.
    expect(pulledAtSend[0]).toBeLessThan(counting.pulled / 4);
  });

  it("streams a 50,000-row file into 50,000 messages", async () => {
    const t = setup();
    const text = `id,qty\n${Array.from({ length: 50_000 }, (_, i) => `r${i},${i}`).join("\n")}\n`;
    t.objects.put(BUCKET, "big.csv", text);
    const counting = new CountingObjectStore(t.objects);
    await t.run(["big.csv"], {
      objects: counting,
      schema: schemaOf({ key: { partitionKey: "id" }, columns: { qty: "number" } }),
    });
    expect(t.sqs.peek(t.name)).toHaveLength(50_000);
    expect(t.queue.sends).toHaveLength(5_000);
    expect(counting.pulled).toBeGreaterThan(1);
    expect(t.rejects.records).toEqual([]);
  }, 120_000);
});

describe("csvToQueue: Lambda entry point", () => {
  it("fails every invocation naming every environment problem", async () => {
    vi.stubEnv("QUEUE_URL", "");
    vi.stubEnv("CSV_SCHEMA", '{"key":{"partitionKey":"id"},"columns":{"id":"json"}}');
    try {
      const call = envHandler(s3Event([]), context());
      await expect(call).rejects.toThrow(/QUEUE_URL is missing/);
      await expect(envHandler(s3Event([]), context())).rejects.toThrow(
        /CSV_SCHEMA .*key column id/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
