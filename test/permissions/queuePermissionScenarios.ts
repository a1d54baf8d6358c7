/**
 * Least-privilege scenarios of the queue entry points (streamToQueue, queueToTable) on the
 * emulators: see test/permissions/permissionRig.ts and test/permissions/permissions.aws.test.ts
 * (csvToQueue's: csvPermissionScenarios.ts).
 */
import type { SQSEvent } from "aws-lambda";
import { expect } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import {
  applyChanges,
  createKeyedTable,
  createQueueWithDlq,
  queueDepth,
  scanTable,
} from "../../bin/emulatorResources.js";
import { replicationChanges, replicationKey } from "../../bin/scenarioData.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import { quickQueuePolling, quickStreamPolling } from "../support/awsPipelines.js";
import { uniqueName } from "../support/emulators.js";
import {
  arnIn,
  fresh,
  type PermissionCase,
  type PermissionRig,
  type PermissionScenario,
  SQS_READS,
  STREAM_READS,
} from "./permissionRig.js";

/** A source table with a stream, changed by seed 000, and its changes sent to a new queue. */
const replicatedQueue = async (rig: PermissionRig, queueName: string) => {
  const source = uniqueName("source");
  const { streamArn } = await createKeyedTable(rig.setup.dynamodb, source, replicationKey, true);
  const queue = await createQueueWithDlq(rig.setup.sqs, queueName, { maxReceiveCount: 5 });
  rig.environment({ QUEUE_URL: rig.queueUrl(queue.url, "code") });
  const { handler } = await fresh(() => import("../../handlers/streamToQueue.js"));
  await applyChanges(rig.setup.dynamodb, source, replicationChanges());
  const poller = new DynamoDbStreamPoller(
    rig.setup.streams,
    streamArn,
    handler,
    quickStreamPolling,
  );
  return { source, streamArn, queue, handler, pump: () => poller.run() };
};

const queueToTable =
  (guarded: boolean) =>
  async (rig: PermissionRig): Promise<PermissionCase> => {
    const queueName = guarded ? uniqueName("changes") : `${uniqueName("changes")}.fifo`;
    const { source, queue, pump } = await replicatedQueue(rig, queueName);
    await pump();
    const replica = uniqueName("replica");
    const versionTable = uniqueName("versions");
    await createKeyedTable(rig.setup.dynamodb, replica, replicationKey);
    if (guarded) await createKeyedTable(rig.setup.dynamodb, versionTable, { partitionKey: "pk" });
    rig.environment({ TABLE_NAME: replica, ...(guarded ? { VERSION_TABLE: versionTable } : {}) });
    const { handler, permissions } = await fresh(() => import("../../handlers/queueToTable.js"));
    const poll = () =>
      new SqsPoller(
        rig.source.sqs,
        rig.queueUrl(queue.url, "source"),
        handler,
        quickQueuePolling,
      ).run();
    const tableOf = (name: string) => scanTable(rig.setup.dynamodb, name, replicationKey);
    const arn = arnIn(rig.at);
    return {
      permissions: permissions({
        ...rig.at,
        tableName: replica,
        tableKeyArn: rig.keyArn("replica"),
        queueName,
        queueKeyArn: rig.keyArn("changes"),
        ...(guarded ? { versionTable, versionTableKeyArn: rig.keyArn("versions") } : {}),
      }),
      keys: [
        { resource: arn.table(replica), keyArn: rig.keyArn("replica") },
        { resource: arn.queue(queueName), keyArn: rig.keyArn("changes") },
        { resource: arn.table(versionTable), keyArn: rig.keyArn("versions") },
      ],
      main: async () => {
        expect((await poll()).deleted).toBe(15);
        expect(await tableOf(replica)).toEqual(await tableOf(source));
      },
      ...(guarded
        ? {
            rare: {
              actions: ["dynamodb:BatchWriteItem"],
              because:
                "commands without a sequence number (bare DynamoDB-JSON images, rows of S3 events without a sequencer) bypass the guard and are written with BatchWriteItem when the function also reads a FIFO queue (a standard queue rejects them)",
              run: async () => {
                const item = { id: { S: "from-csv" }, plan: { S: "free" } };
                const fromFifo = (messageId: string, body: string) => ({
                  messageId,
                  receiptHandle: messageId,
                  body,
                  attributes: {},
                  messageAttributes: {},
                  md5OfBody: "",
                  eventSource: "aws:sqs",
                  eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queueName}.fifo`,
                  awsRegion: "us-east-1",
                });
                const event = {
                  Records: [
                    fromFifo(
                      "row",
                      encodeMessageBody([
                        { op: "put", key: { id: item.id }, item, source: "s3://b/k#L2" },
                      ]),
                    ),
                    fromFifo("bare", JSON.stringify({ id: { S: "bare-image" } })),
                  ],
                } as unknown as SQSEvent;
                expect(await handler(event, localContext("queueToTable"))).toEqual({
                  batchItemFailures: [],
                });
                expect((await tableOf(replica)).length).toBe((await tableOf(source)).length + 2);
              },
            },
          }
        : {}),
    };
  };

/** streamToQueue, queueToTable (plain and guarded). */
export const queuePermissionScenarios: ReadonlyArray<PermissionScenario> = [
  {
    name: "streamToQueue (FIFO queue)",
    recorded: {
      code: ["kms:Decrypt", "kms:GenerateDataKey", "sqs:SendMessage"],
      eventSource: STREAM_READS,
    },
    make: async (rig) => {
      const queueName = `${uniqueName("replica")}.fifo`;
      const { streamArn, queue, handler } = await replicatedQueue(rig, queueName);
      const { permissions } = await import("../../handlers/streamToQueue.js");
      return {
        permissions: permissions({
          ...rig.at,
          queueName,
          queueKeyArn: rig.keyArn("replica"),
          sourceStreamArn: streamArn,
          sourceStreamKeyArn: rig.keyArn("source"),
        }),
        keys: [
          { resource: arnIn(rig.at).queue(queueName), keyArn: rig.keyArn("replica") },
          { resource: streamArn, keyArn: rig.keyArn("source") },
        ],
        main: async () => {
          await new DynamoDbStreamPoller(
            rig.source.streams,
            streamArn,
            handler,
            quickStreamPolling,
          ).run();
          expect(await queueDepth(rig.setup.sqs, queue.url)).toBe(15);
        },
      };
    },
  },
  {
    name: "queueToTable (FIFO queue, BatchWriteItem)",
    recorded: {
      code: ["dynamodb:BatchWriteItem", "dynamodb:DescribeTable", "kms:Decrypt"],
      eventSource: SQS_READS,
    },
    make: queueToTable(false),
  },
  {
    name: "queueToTable (standard queue, VERSION_TABLE)",
    recorded: {
      code: [
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
        "dynamodb:DescribeTable",
        "dynamodb:PutItem",
        "kms:Decrypt",
      ],
      eventSource: SQS_READS,
    },
    make: queueToTable(true),
  },
];
