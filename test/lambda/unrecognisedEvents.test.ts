import type { Context } from "aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { fixture, invoke, useEnvironment } from "../fixtures/corpusRig.js";

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const entries: Record<string, () => Promise<{ handler: unknown }>> = {
  streamToQueue: () => import("../../handlers/streamToQueue.js"),
  queueToTable: () => import("../../handlers/queueToTable.js"),
  streamToGlue: () => import("../../handlers/streamToGlue.js"),
  streamAggregate: () => import("../../handlers/streamAggregate.js"),
  kinesisToTable: () => import("../../handlers/kinesisToTable.js"),
  csvToQueue: () => import("../../handlers/csvToQueue.js"),
};

/** Valid-looking variables naming resources that do not exist: nothing may be reached anyway. */
const environment = {
  QUEUE_URL: "http://127.0.0.1:9/123456789012/missing-queue.fifo",
  TABLE_NAME: "missing-table",
  GLUE_JOB_NAME: "missing-job",
  TOTALS_TABLE: "missing-totals",
};

const fresh = async (name: string): Promise<Handler> => {
  vi.resetModules();
  useEnvironment(environment);
  return (await (entries[name] as () => Promise<{ handler: unknown }>)()).handler as Handler;
};

const SQS = fixture("sam-cli/sqs-receive-message.json");
const STREAM = fixture("sam-cli/dynamodb-update.json");
const KINESIS = fixture("sam-cli/kinesis-get-records.json");
const S3 = fixture("sam-cli/s3-put.json");
/** An EventBridge event of S3 that is not "Object Created" (EventBridge User Guide, S3 events). */
const OBJECT_DELETED = {
  version: "0",
  id: "2d4eba74-fd51-3966-4bfa-b013c9da8ff1",
  "detail-type": "Object Deleted",
  source: "aws.s3",
  account: "123456789012",
  time: "2021-11-12T00:00:00Z",
  region: "ca-central-1",
  resources: ["arn:aws:s3:::example-bucket"],
  detail: {
    version: "0",
    bucket: { name: "example-bucket" },
    object: { key: "rows.csv", sequencer: "00617F08299329D189" },
    "request-id": "N4N7GDK58NMKJ12R",
    requester: "123456789012",
    "deletion-type": "Permanently Deleted",
  },
};

/**
 * An entry point given an event it cannot recognise at all (another service's, empty, another
 * EventBridge type) never returns success silently: it throws, or it rejects (logs a reject line).
 */
describe("every entry point says so when it cannot recognise an event", () => {
  const cases: ReadonlyArray<readonly [string, string, unknown]> = [
    ...Object.keys(entries).map((name) => [name, "an empty object", {}] as const),
    ["streamToQueue", "an SQS event", SQS],
    ["streamToQueue", "a Kinesis event", KINESIS],
    ["queueToTable", "a DynamoDB stream event", STREAM],
    ["queueToTable", "an S3 notification", S3],
    ["streamToGlue", "an SQS event", SQS],
    ["streamAggregate", "an SQS event", SQS],
    ["streamAggregate", "a Kinesis event", KINESIS],
    ["kinesisToTable", "a DynamoDB stream event", STREAM],
    ["kinesisToTable", "an SQS event", SQS],
    ["csvToQueue", "an SQS event", SQS],
    ["csvToQueue", "an EventBridge Object Deleted event", OBJECT_DELETED],
    [
      "csvToQueue",
      "an EventBridge event of another source",
      { ...OBJECT_DELETED, source: "aws.ec2", "detail-type": "Object Created" },
    ],
  ];

  it.each(cases)("%s given %s throws or rejects", async (name, _what, event) => {
    const handler = await fresh(name);
    const { error, rejects } = await invoke(handler, structuredClone(event), name);
    expect(error !== undefined || rejects.length > 0).toBe(true);
    if (error === undefined) for (const reject of rejects) expect(reject.reason).not.toBe("");
  });
});
