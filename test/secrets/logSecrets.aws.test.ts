import { randomBytes } from "node:crypto";
import { format, inspect } from "node:util";
import type { Context } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  emulatorSdkClients,
} from "../../bin/emulatorResources.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { fresh } from "../permissions/permissionRig.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { kinesisEvent, kinesisRecord } from "../support/kinesis.js";
import { sqsEvent, sqsRecord } from "../support/sqs.js";
import { change, order, rawRecord } from "../support/streams.js";

/** Random text of `length` characters from the alphabet AWS secrets use. */
const fake = (prefix: string, length: number) =>
  (
    prefix +
    randomBytes(length)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "x")
  ).slice(0, length);

// What a deployed function's environment holds besides its own variables.
const secrets = {
  AWS_ACCESS_KEY_ID: fake("AKIA", 20).toUpperCase(),
  AWS_SECRET_ACCESS_KEY: fake("", 40),
  AWS_SESSION_TOKEN: fake("IQoJb3JpZ2luX2Vj", 300),
  DATABASE_PASSWORD: fake("", 24),
};

/** Every 8-character piece of every secret: a partial echo (`"hunter2-su"...`) counts too. */
const pieces = Object.values(secrets).flatMap((value) =>
  Array.from({ length: value.length - 7 }, (_, i) => value.slice(i, i + 8)),
);

/**
 * Runs `invoke` the way Lambda would log it: everything written to stdout/stderr or the console,
 * and a thrown error in full (message, stack, cause and every property, as util.inspect shows).
 */
const logsOf = async (invoke: () => Promise<unknown>): Promise<string> => {
  const lines: string[] = [];
  const grab = (chunk: unknown, ...rest: unknown[]): boolean => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
    (rest.find((arg) => typeof arg === "function") as (() => void) | undefined)?.();
    return true;
  };
  const saved = { out: process.stdout.write, err: process.stderr.write, console: { ...console } };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  for (const level of ["log", "info", "warn", "error", "debug"] as const)
    console[level] = (...args: unknown[]) => lines.push(`${format(...args)}\n`);
  try {
    await invoke();
  } catch (error) {
    lines.push(inspect(error, { depth: 10 }));
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, saved.console);
  }
  return lines.join("");
};

const context = (): Context => localContext("secrets", 60_000);
const setEnvironment = (variables: Readonly<Record<string, string>>) => {
  setHandlerEnvironment(variables);
  Object.assign(process.env, secrets);
};
const undecodable = {
  eventID: "bad",
  eventName: "INSERT" as const,
  dynamodb: { SequenceNumber: "1" },
};
const goodChange = rawRecord(change("INSERT", { newImage: order("o-1", "2026-11-21", "i", "1") }));

describe("logs never print the function's secrets (rejects, progress lines, thrown errors)", () => {
  const c = emulatorSdkClients(emulatorEndpoints());
  const missing = uniqueName("missing");
  let queueUrl = "";
  let table = "";

  beforeAll(async () => {
    queueUrl = (await createQueueWithDlq(c.sqs, uniqueName("rows"), { maxReceiveCount: 5 })).url;
    table = (await createKeyedTable(c.dynamodb, uniqueName("t"), { partitionKey: "order_id" }))
      .name;
  });

  const expectNoSecrets = (logs: string, shows: RegExp) => {
    expect(logs).toMatch(shows);
    expect(pieces.filter((piece) => logs.includes(piece))).toEqual([]);
  };

  it("streamToQueue: a rejected record, then a missing queue", async () => {
    setEnvironment({ QUEUE_URL: queueUrl });
    const { handler } = await fresh(() => import("../../handlers/streamToQueue.js"));
    const rejected = await logsOf(() => handler({ Records: [undecodable, goodChange] }, context()));
    expectNoSecrets(rejected, /"rejected":true,"pipeline":"streamToQueue"/);
    setEnvironment({ QUEUE_URL: `${queueUrl}-${missing}` });
    const broken = await fresh(() => import("../../handlers/streamToQueue.js"));
    const thrown = await logsOf(() => broken.handler({ Records: [goodChange] }, context()));
    expectNoSecrets(thrown, /does not exist/);
  });

  it("queueToTable: an undecodable message, then a missing table", async () => {
    // Without VERSION_TABLE, queueToTable reads FIFO queues only.
    const FIFO = { queueArn: "arn:aws:sqs:us-east-1:000000000000:replica.fifo" };
    setEnvironment({ TABLE_NAME: table });
    const { handler } = await fresh(() => import("../../handlers/queueToTable.js"));
    const rejected = await logsOf(() => handler(sqsEvent(sqsRecord("not json", FIFO)), context()));
    expectNoSecrets(rejected, /"rejected":true,"pipeline":"queueToTable"/);
    setEnvironment({ TABLE_NAME: missing });
    const broken = await fresh(() => import("../../handlers/queueToTable.js"));
    const thrown = await logsOf(() => broken.handler(sqsEvent(sqsRecord("{}", FIFO)), context()));
    expectNoSecrets(thrown, /ResourceNotFoundException/);
  });

  it("kinesisToTable, streamAggregate, streamToGlue: rejects, progress and retry lines", async () => {
    const logTable = uniqueName("EventLogs");
    await createKeyedTable(c.dynamodb, logTable, EVENT_LOG_KEY_SCHEMA);
    setEnvironment({ TABLE_NAME: logTable, TOTALS_TABLE: table, GLUE_JOB_NAME: missing });
    const kinesis = await fresh(() => import("../../handlers/kinesisToTable.js"));
    const aggregate = await fresh(() => import("../../handlers/streamAggregate.js"));
    const glue = await fresh(() => import("../../handlers/streamToGlue.js"));
    const events = kinesisEvent([kinesisRecord(), kinesisRecord({ raw: "%%" })]);
    expectNoSecrets(
      await logsOf(() => kinesis.handler(events, context())),
      /"rejected":true,"pipeline":"kinesisToTable"[\s\S]*"items":1/,
    );
    const badOrder = change("INSERT", {
      newImage: { ...order("o-2", "x", "i", "1"), quantity: { S: "many" } },
    });
    expectNoSecrets(
      await logsOf(() => aggregate.handler({ Records: [rawRecord(badOrder)] }, context())),
      /"rejected":true,"pipeline":"streamAggregate"/,
    );
    expectNoSecrets(
      await logsOf(() => glue.handler({ Records: [goodChange] }, context())),
      /"pipeline":"streamToGlue","retrying"[\s\S]*does not exist/,
    );
  });

  it("csvToQueue: a missing object, then a secret pasted into CSV_SCHEMA by mistake", async () => {
    const bucket = uniqueName("uploads");
    await createBucket(c.s3, bucket);
    setEnvironment({ QUEUE_URL: queueUrl });
    const { handler } = await fresh(() => import("../../handlers/csvToQueue.js"));
    const event = objectCreatedEvent(bucket, "gone.csv", { etag: "0" });
    expectNoSecrets(
      await logsOf(() => handler(event, context())),
      /"rejected":true[\s\S]*NoSuchKey/,
    );
    setEnvironment({ QUEUE_URL: queueUrl, CSV_SCHEMA: secrets.DATABASE_PASSWORD });
    const misconfigured = await fresh(() => import("../../handlers/csvToQueue.js"));
    expectNoSecrets(
      await logsOf(() => misconfigured.handler(event, context())),
      /CSV_SCHEMA is not valid JSON/,
    );
  });
});
