import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetJobRunsCommand } from "@aws-sdk/client-glue";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createGlueJob,
  createKeyedTable,
  createQueueWithDlq,
  scanTable,
} from "../../bin/emulatorResources.js";
import { emulatorEnvironment } from "../../bin/localEmulators.js";
import { LAMBDA_NODE_MAJORS, nodeBinary } from "../../bin/nodeRuntimes.js";
import { csvBody, csvSchema } from "../../bin/scenarioData.js";
import { marshalJson } from "../../domain/attributeValue.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { shardWatermarks } from "../../domain/regimeStamps.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { kinesisEvent, kinesisRecord } from "../support/kinesis.js";
import {
  ENTRY_POINTS,
  type EntryPointName,
  REPO,
  runProgram,
  withFreshBuild,
} from "../support/packageBuild.js";
import { sqsEvent, sqsRecord } from "../support/sqs.js";
import { change, order, rawRecord } from "../support/streams.js";

/**
 * The prebuilt bundles (dist/lambda/<entryPoint>/index.mjs, as `npm run build` writes them) on
 * the Node.js of Lambda's current runtimes, nodejs22.x and nodejs24.x: each binary (installed from
 * npm, see test/support/nodeRuntimes.ts) runs test/package/runtimeHarness.mjs in a fresh process
 * with environment variables only, which imports one bundle and invokes its `handler` with a real
 * event; the effects are then read back with the SDK from DynamoDB Local and moto.
 */

const HARNESS = fileURLToPath(new URL("./runtimeHarness.mjs", import.meta.url));

/** What one entry point needs: its variables, its event, and the check of its effects. */
interface RuntimeCase {
  readonly env: Readonly<Record<string, string>>;
  readonly event: unknown;
  readonly check: (response: unknown) => Promise<void>;
}

const c = emulatorClients();
const noFailures = { batchItemFailures: [] };

const receiveBodies = async (queueUrl: string): Promise<string[]> => {
  const { Messages } = await c.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (Messages ?? []).map((message) => message.Body ?? "");
};

const cases: Record<EntryPointName, () => Promise<RuntimeCase>> = {
  queueToTable: async () => {
    const { name } = await createKeyedTable(c.dynamodb, uniqueName("replica"), {
      partitionKey: "pk",
    });
    const item = { pk: { S: "from-the-runtime" }, qty: { N: "3" } };
    return {
      env: { TABLE_NAME: name },
      // A FIFO queue: queueToTable refuses a standard queue without VERSION_TABLE.
      event: sqsEvent(
        sqsRecord(JSON.stringify(item), {
          groupId: "g",
          queueArn: "arn:aws:sqs:us-east-1:000000000000:replica.fifo",
        }),
      ),
      check: async (response) => {
        expect(response).toEqual(noFailures);
        const stored = await c.dynamodb.send(
          new GetItemCommand({ TableName: name, Key: { pk: item.pk }, ConsistentRead: true }),
        );
        expect(stored.Item).toEqual(item);
      },
    };
  },
  kinesisToTable: async () => {
    const { name } = await createKeyedTable(
      c.dynamodb,
      uniqueName("EventLogs"),
      EVENT_LOG_KEY_SCHEMA,
    );
    const payload = { sensor: "temperature", value: 22.5 };
    const record = kinesisRecord({ payload });
    return {
      env: { TABLE_NAME: name },
      event: kinesisEvent([record]),
      check: async (response) => {
        expect(response).toEqual(noFailures);
        const items = await scanTable(c.dynamodb, name, EVENT_LOG_KEY_SCHEMA);
        expect(items.map((i) => [i.eventId, i.data])).toEqual([
          [{ S: record.eventID }, marshalJson(payload)],
        ]);
      },
    };
  },
  streamAggregate: async () => {
    const { name } = await createKeyedTable(c.dynamodb, uniqueName("totals"), {
      partitionKey: "order_date",
      sortKey: "item_number",
    });
    const inserted = order("o-1", "2026-11-21T10:00:00Z", "item123", "10");
    // As AggregationPipeline deploys it: a tumbling window, so the event names its shard
    // (watermark mode: one conditional UpdateItem carrying the total's watermark).
    return {
      env: { TOTALS_TABLE: name, PARALLELIZATION_FACTOR: "1" },
      event: {
        Records: [rawRecord(change("INSERT", { newImage: inserted }))],
        shardId: "shardId-00000001700000000000-00000001",
        window: { start: "2026-11-21T10:00:00Z", end: "2026-11-21T10:15:00Z" },
        state: {},
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      },
      check: async (response) => {
        expect(response).toEqual({ ...noFailures, state: {} });
        const key = { order_date: { S: "2026-11-21" }, item_number: { S: "item123" } };
        const stored = await c.dynamodb.send(
          new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }),
        );
        expect(stored.Item?.quantity).toEqual({ N: "10" });
        expect(shardWatermarks(fromSdkItem(stored.Item ?? {}))).toHaveLength(1);
      },
    };
  },
  streamToQueue: async () => {
    const { url } = await createQueueWithDlq(c.sqs, uniqueName("replica"), { maxReceiveCount: 5 });
    const inserted = order("o-runtime", "2026-11-21T10:00:00Z", "item123", "1");
    return {
      env: { QUEUE_URL: url },
      event: { Records: [rawRecord(change("INSERT", { newImage: inserted }))] },
      check: async (response) => {
        expect(response).toEqual(noFailures);
        const bodies = await receiveBodies(url);
        expect(bodies).toHaveLength(1);
        expect(bodies[0]).toContain("o-runtime");
      },
    };
  },
  csvToQueue: async () => {
    const bucket = uniqueName("uploads");
    await createBucket(c.s3, bucket);
    const { url } = await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 5 });
    const stored = await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "ejemplo.csv", Body: csvBody }),
    );
    return {
      env: { QUEUE_URL: url, CSV_SCHEMA: JSON.stringify(csvSchema) },
      event: objectCreatedEvent(bucket, "ejemplo.csv", { etag: stored.ETag ?? "" }),
      check: async (response) => {
        // An S3 notification has no response to give (Lambda discards it).
        expect(response).toBeNull();
        const bodies = (await receiveBodies(url)).join("\n");
        for (const row of ["a1", "a2", "a5"]) expect(bodies).toContain(`"${row}"`);
      },
    };
  },
  streamToGlue: async () => {
    const job = uniqueName("copy-api-pagos");
    await createGlueJob(c.glue, job);
    const args = { "--source_table": "api-pagos", "--target_table": "api-pos-backup" };
    const payment = { id: { S: "p-1" }, amount: { N: "12" } };
    return {
      env: { GLUE_JOB_NAME: job, GLUE_JOB_ARGUMENTS: JSON.stringify(args) },
      event: {
        Records: [rawRecord(change("INSERT", { newImage: payment }, { id: payment.id }))],
      },
      check: async (response) => {
        expect(response).toEqual(noFailures);
        const { JobRuns } = await c.glue.send(new GetJobRunsCommand({ JobName: job }));
        expect(JobRuns?.map((run) => run.Arguments)).toEqual([args]);
      },
    };
  },
};

let bundles = "";

beforeAll(async () => {
  // A copy of the built bundles, so a parallel `npm pack` (which rebuilds dist/) cannot pull
  // them away mid-run; they import only Node built-ins, so the copy runs as it is.
  bundles = await mkdtemp(join(tmpdir(), "dynamodb-pipelines-runtimes-"));
  await withFreshBuild(() => cp(join(REPO, "dist", "lambda"), bundles, { recursive: true }));
}, 360_000);

afterAll(async () => {
  if (bundles !== "") await rm(bundles, { recursive: true, force: true });
});

describe.each(LAMBDA_NODE_MAJORS)(
  "the prebuilt bundles on Node.js %i",
  { timeout: 120_000 },
  (major) => {
    let node = "";
    beforeAll(async () => {
      node = await nodeBinary(major);
    }, 360_000);

    it.each(ENTRY_POINTS)("%s: imports, reads its environment, and does its work", async (name) => {
      const { env, event, check } = await cases[name]();
      const stdout = await runProgram(node, [HARNESS], {
        cwd: bundles,
        timeout: 90_000,
        env: {
          ...emulatorEnvironment(emulatorEndpoints()),
          ...env,
          HARNESS_BUNDLE: join(bundles, name, "index.mjs"),
          HARNESS_EVENT: JSON.stringify(event),
        },
      });
      const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "null") as {
        node: string;
        response?: unknown;
        error?: string;
      };
      expect(result.node).toMatch(new RegExp(`^v${major}\\.`));
      expect(result.error).toBeUndefined();
      await check(result.response);
    });
  },
);
