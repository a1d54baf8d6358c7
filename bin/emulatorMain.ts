/**
 * `npm run start:emulators`: the five seed scenarios of `npm start`, but through the deployable
 * entry points (handlers/*.ts `handler`, configured only by environment variables) on local
 * emulators: DynamoDB Local (tables, streams) and moto (SQS, S3, Glue, Kinesis). Lambda's event
 * sources are played by the pollers of adapters/aws. The emulators are always stopped.
 */
import { GetJobRunsCommand } from "@aws-sdk/client-glue";
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { localContext } from "../adapters/localAws/eventSources/localContext.js";
import { DynamoDbStreamPoller } from "../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { KinesisPoller } from "../adapters/localAws/pollers/KinesisPoller.js";
import { SqsPoller } from "../adapters/localAws/pollers/SqsPoller.js";
import { objectCreatedEvent } from "../adapters/localAws/services/s3Notification.js";
import { isMarker, markerLayoutOf } from "../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../domain/aggregateSpec.js";
import { type AttributeMap, canonicalKey } from "../domain/attributeValue.js";
import { EVENT_LOG_KEY_SCHEMA } from "../domain/eventLog.js";
import {
  applyChanges,
  createBucket,
  createGlueJob,
  createKeyedTable,
  createKinesisStream,
  createQueueWithDlq,
  emulatorSdkClients,
  queueDepth,
  scanTable,
} from "./emulatorResources.js";
import { emulatorEnvironment, startEmulators } from "./localEmulators.js";
import { printRejects, printTable } from "./printTable.js";
import { captureRejectLog } from "./rejectLog.js";
import {
  csvBody,
  csvObjectKey,
  csvSchema,
  csvTableKey,
  heading,
  headings,
  orderDateOf,
  paymentChanges,
  replicationChanges,
  replicationKey,
  seedOrders,
  sensorRecords,
} from "./scenarioData.js";

type Clients = ReturnType<typeof emulatorSdkClients>;
type StreamToQueue = typeof import("../handlers/streamToQueue.js");
type QueueToTable = typeof import("../handlers/queueToTable.js");
type StreamToGlue = typeof import("../handlers/streamToGlue.js");
type StreamAggregate = typeof import("../handlers/streamAggregate.js");
type KinesisToTable = typeof import("../handlers/kinesisToTable.js");
type CsvToQueue = typeof import("../handlers/csvToQueue.js");

/** Quick pollers: the emulators answer at once, so a short quiet spell means done. */
const streamPolling = { pollIntervalMs: 100, maxEmptyPolls: 2 } as const;
const queuePolling = { waitTimeSeconds: 1, maxEmptyPolls: 1 } as const;

let deployments = 0;

/**
 * "Deploys" a function: sets its environment variables and loads a fresh instance of its handler
 * module (a query string makes a new module instance), as Lambda gives each function its own
 * runtime. The handler reads the environment at its first invocation, in the scenario.
 */
const deploy = async <M>(module: string, env: Readonly<Record<string, string>>): Promise<M> => {
  Object.assign(process.env, env);
  deployments += 1;
  return (await import(`${module}?function=${deployments}`)) as M;
};

const same = (a: ReadonlyArray<AttributeMap>, b: ReadonlyArray<AttributeMap>) =>
  JSON.stringify(a.map(canonicalKey)) === JSON.stringify(b.map(canonicalKey));

const seed000 = async (c: Clients) => {
  const source = await createKeyedTable(c.dynamodb, "source", replicationKey, true);
  await createKeyedTable(c.dynamodb, "replica", replicationKey);
  // As the constructs deploy it: a version table orders the writes, FIFO queue or not.
  await createKeyedTable(c.dynamodb, "replica-versions", { partitionKey: "pk" });
  const queue = await createQueueWithDlq(c.sqs, "replica.fifo", { maxReceiveCount: 5 });
  const toQueue = await deploy<StreamToQueue>("../handlers/streamToQueue.js", {
    QUEUE_URL: queue.url,
  });
  const toTable = await deploy<QueueToTable>("../handlers/queueToTable.js", {
    TABLE_NAME: "replica",
    VERSION_TABLE: "replica-versions",
  });
  await applyChanges(c.dynamodb, "source", replicationChanges());
  const stream = await new DynamoDbStreamPoller(c.streams, source.streamArn, toQueue.handler, {
    batchSize: 100,
    ...streamPolling,
  }).run();
  const sqs = await new SqsPoller(c.sqs, queue.url, toTable.handler, {
    batchSize: 10,
    ...queuePolling,
  }).run();
  const replica = await scanTable(c.dynamodb, "replica", replicationKey);
  printTable("replica", replica, ["id", "plan", "credit"]);
  console.log(
    `stream records: ${stream.records} in ${stream.invocations} invocation(s); queue: ${sqs.invocations} invocation(s), ${sqs.deleted} message(s) applied, dead-lettered: ${await queueDepth(c.sqs, queue.dlqUrl)}`,
  );
  const equal = same(replica, await scanTable(c.dynamodb, "source", replicationKey));
  console.log(`replica equals source item for item: ${equal ? "yes" : "NO"}`);
};

const seed001 = async (c: Clients) => {
  const source = await createKeyedTable(c.dynamodb, "api-pagos", { partitionKey: "id" }, true);
  await createGlueJob(c.glue, "copy-api-pagos");
  const toGlue = await deploy<StreamToGlue>("../handlers/streamToGlue.js", {
    GLUE_JOB_NAME: "copy-api-pagos",
    GLUE_JOB_ARGUMENTS: JSON.stringify({
      "--source_table": "api-pagos",
      "--target_table": "api-pos-backup",
    }),
  });
  await applyChanges(c.dynamodb, "api-pagos", paymentChanges);
  const stream = await new DynamoDbStreamPoller(c.streams, source.streamArn, toGlue.handler, {
    batchSize: 100,
    ...streamPolling,
  }).run();
  const { JobRuns = [] } = await c.glue.send(new GetJobRunsCommand({ JobName: "copy-api-pagos" }));
  const runs = JobRuns.map(
    (run): AttributeMap => ({
      runId: { S: run.Id ?? "" },
      state: { S: run.JobRunState ?? "" },
      startedOn: { S: run.StartedOn?.toISOString() ?? "" },
      arguments: {
        M: Object.fromEntries(Object.entries(run.Arguments ?? {}).map(([k, v]) => [k, { S: v }])),
      },
    }),
  );
  printTable("job runs of copy-api-pagos", runs, ["runId", "state", "startedOn"]);
  console.log(
    `stream records: ${stream.records} in ${stream.invocations} invocation(s); moto starts the runs but runs no Spark, so api-pos-backup stays empty here (npm start shows the copy)`,
  );
};

const seed002 = async (c: Clients) => {
  const orders = await createKeyedTable(c.dynamodb, "orders", { partitionKey: "order_id" }, true);
  const [pk, sk] = seedAggregateSpec.groupBy;
  const totalsKey = { partitionKey: pk.target, ...(sk ? { sortKey: sk.target } : {}) };
  await createKeyedTable(c.dynamodb, "totals", totalsKey);
  const aggregate = await deploy<StreamAggregate>("../handlers/streamAggregate.js", {
    TOTALS_TABLE: "totals",
  });
  const date = orderDateOf(new Date());
  await applyChanges(
    c.dynamodb,
    "orders",
    seedOrders(date).map((order) => ({ put: order })),
  );
  const poll = () =>
    new DynamoDbStreamPoller(c.streams, orders.streamArn, aggregate.handler, {
      batchSize: 2,
      ...streamPolling,
    }).run();
  const layout = markerLayoutOf(seedAggregateSpec);
  const totals = async () =>
    (await scanTable(c.dynamodb, "totals", totalsKey)).filter((item) => !isMarker(layout, item));
  const stats = await poll();
  const first = await totals();
  printTable("totals", first, ["order_date", "item_number", "quantity"]);
  console.log(`stream records: ${stats.records} in ${stats.invocations} invocation(s)`);
  const replay = await poll();
  console.log(
    `the whole stream delivered again (${replay.invocations} invocation(s), a new poller from TRIM_HORIZON): totals unchanged: ${same(first, await totals()) ? "yes" : "NO"}`,
  );
};

const seed003 = async (c: Clients) => {
  await createKinesisStream(c.kinesis, "EventStream", 1);
  await createKeyedTable(c.dynamodb, "EventLogs", EVENT_LOG_KEY_SCHEMA);
  const toTable = await deploy<KinesisToTable>("../handlers/kinesisToTable.js", {
    TABLE_NAME: "EventLogs",
  });
  for (const { partitionKey, data } of sensorRecords)
    await c.kinesis.send(
      new PutRecordCommand({
        StreamName: "EventStream",
        PartitionKey: partitionKey,
        Data: Buffer.from(data, "utf8"),
      }),
    );
  await new KinesisPoller(c.kinesis, "EventStream", toTable.handler, streamPolling).run();
  const logs = await scanTable(c.dynamodb, "EventLogs", EVENT_LOG_KEY_SCHEMA);
  printTable("EventLogs", logs, [
    "eventId",
    "timestamp",
    "data",
    "dataFormat",
    "partitionKey",
    "sequenceNumber",
  ]);
};

const seed004 = async (c: Clients) => {
  await createBucket(c.s3, "uploads");
  const queue = await createQueueWithDlq(c.sqs, "rows", { maxReceiveCount: 10 });
  await createKeyedTable(c.dynamodb, "items", csvTableKey);
  await createKeyedTable(c.dynamodb, "item-versions", { partitionKey: "pk" });
  const toQueue = await deploy<CsvToQueue>("../handlers/csvToQueue.js", {
    QUEUE_URL: queue.url,
    CSV_SCHEMA: JSON.stringify(csvSchema),
  });
  const toTable = await deploy<QueueToTable>("../handlers/queueToTable.js", {
    TABLE_NAME: "items",
    VERSION_TABLE: "item-versions",
  });
  const stored = await c.s3.send(
    new PutObjectCommand({ Bucket: "uploads", Key: csvObjectKey, Body: csvBody }),
  );
  await toQueue.handler(
    objectCreatedEvent("uploads", csvObjectKey, {
      etag: stored.ETag ?? "",
      ...(stored.VersionId ? { versionId: stored.VersionId } : {}),
    }),
    localContext("csvToQueue", 900_000),
  );
  const sqs = await new SqsPoller(c.sqs, queue.url, toTable.handler, queuePolling).run();
  printTable("items", await scanTable(c.dynamodb, "items", csvTableKey), ["campo1", "campo2"]);
  console.log(
    `queue: ${sqs.invocations} invocation(s), ${sqs.deleted} message(s) applied, dead-lettered: ${await queueDepth(c.sqs, queue.dlqUrl)}`,
  );
};

const scenarios: ReadonlyArray<readonly [string, (c: Clients) => Promise<void>]> = [
  [headings.replication, seed000],
  [headings.glue, seed001],
  [headings.aggregation, seed002],
  [headings.eventLog, seed003],
  [headings.csvLoad, seed004],
];

const started = Date.now();
console.log("starting DynamoDB Local and moto_server…");
const emulators = await startEmulators();
console.log(
  `emulators up in ${emulators.startupMs} ms: DynamoDB Local ${emulators.endpoints.dynamodb}, moto ${emulators.endpoints.moto}`,
);
let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= emulators.stop();
  return stopping;
};
process.once("SIGINT", () => {
  console.log("\ninterrupted: stopping the emulators");
  void stop().finally(() => process.exit(130));
});
try {
  Object.assign(process.env, emulatorEnvironment(emulators.endpoints));
  const clients = emulatorSdkClients(emulators.endpoints);
  for (const [title, run] of scenarios) {
    heading(title);
    const rejects = captureRejectLog();
    const scenarioStart = Date.now();
    try {
      await run(clients);
    } finally {
      rejects.stop();
    }
    printRejects(rejects.records);
    console.log(`(${Date.now() - scenarioStart} ms)`);
  }
} catch (error) {
  process.exitCode = 1;
  console.error(error);
} finally {
  await stop();
  console.log(`\nemulators stopped; ${Date.now() - started} ms in all`);
}
