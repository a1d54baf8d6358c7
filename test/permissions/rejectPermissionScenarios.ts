/**
 * Least-privilege scenarios of the reject destinations (docs/rejects.md) on the emulators: an
 * entry point's `permissions()` plus `rejectDestinationPermissions()`, with the destination
 * encrypted with its own customer managed key. See test/permissions/permissions.aws.test.ts.
 */
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  queueDepth,
  scanTable,
} from "../../bin/emulatorResources.js";
import { csvBody, csvSchema, replicationKey } from "../../bin/scenarioData.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import type { EntryPointPermissions } from "../../handlers/lambda/permissions.js";
import { rejectDestinationPermissions } from "../../handlers/lambda/rejectPermissions.js";
import { quickQueuePolling } from "../support/awsPipelines.js";
import { uniqueName } from "../support/emulators.js";
import { arnIn, fresh, type PermissionScenario, SQS_READS } from "./permissionRig.js";

const withRejects = (
  permissions: EntryPointPermissions,
  rejects: EntryPointPermissions["functionCode"],
): EntryPointPermissions => ({
  functionCode: [...permissions.functionCode, ...rejects],
  eventSource: permissions.eventSource,
});

/** queueToTable rejecting to an SQS queue, csvToQueue rejecting to an S3 prefix. */
export const rejectPermissionScenarios: ReadonlyArray<PermissionScenario> = [
  {
    name: "queueToTable (rejects to an SQS queue)",
    recorded: {
      code: [
        "dynamodb:BatchWriteItem",
        "dynamodb:DescribeTable",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "sqs:SendMessage",
      ],
      eventSource: SQS_READS,
    },
    make: async (rig) => {
      const queueName = `${uniqueName("changes")}.fifo`;
      const rejectsName = uniqueName("rejects");
      const table = uniqueName("replica");
      const queue = await createQueueWithDlq(rig.setup.sqs, queueName, { maxReceiveCount: 5 });
      const rejects = await createQueueWithDlq(rig.setup.sqs, rejectsName, { maxReceiveCount: 5 });
      await createKeyedTable(rig.setup.dynamodb, table, replicationKey);
      const item = { id: { S: "user-01" }, plan: { S: "free" } };
      const bodies = [
        encodeMessageBody([{ op: "put", key: { id: item.id }, item, source: "user-01" }]),
        "not a write command",
      ];
      for (const [i, body] of bodies.entries())
        await rig.setup.sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.url,
            MessageBody: body,
            MessageGroupId: `g${i}`,
            MessageDeduplicationId: `m${i}`,
          }),
        );
      rig.environment({
        TABLE_NAME: table,
        REJECT_DESTINATION: rig.queueUrl(rejects.url, "code"),
      });
      const { handler, permissions } = await fresh(() => import("../../handlers/queueToTable.js"));
      const arn = arnIn(rig.at);
      return {
        permissions: withRejects(
          permissions({
            ...rig.at,
            tableName: table,
            tableKeyArn: rig.keyArn("replica"),
            queueName,
            queueKeyArn: rig.keyArn("changes"),
          }),
          rejectDestinationPermissions(rig.at, rejects.url, { keyArn: rig.keyArn("rejects") }),
        ),
        keys: [
          { resource: arn.table(table), keyArn: rig.keyArn("replica") },
          { resource: arn.queue(queueName), keyArn: rig.keyArn("changes") },
          { resource: arn.queue(rejectsName), keyArn: rig.keyArn("rejects") },
        ],
        main: async () => {
          const poller = new SqsPoller(
            rig.source.sqs,
            rig.queueUrl(queue.url, "source"),
            handler,
            quickQueuePolling,
          );
          expect((await poller.run()).deleted).toBe(2);
          expect(await scanTable(rig.setup.dynamodb, table, replicationKey)).toEqual([item]);
          expect(await queueDepth(rig.setup.sqs, rejects.url)).toBe(1);
        },
      };
    },
  },
  {
    name: "csvToQueue (rejects to an S3 prefix)",
    recorded: {
      code: [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
        "sqs:SendMessage",
      ],
      eventSource: [],
    },
    make: async (rig) => {
      const bucket = uniqueName("uploads");
      const ops = uniqueName("ops");
      const queueName = `${uniqueName("rows")}.fifo`;
      await createBucket(rig.setup.s3, bucket);
      await createBucket(rig.setup.s3, ops);
      const queue = await createQueueWithDlq(rig.setup.sqs, queueName, { maxReceiveCount: 5 });
      const destination = `s3://${ops}/rejects/`;
      rig.environment({
        QUEUE_URL: rig.queueUrl(queue.url, "code"),
        CSV_SCHEMA: JSON.stringify(csvSchema),
        REJECT_DESTINATION: destination,
      });
      const { handler, permissions } = await fresh(() => import("../../handlers/csvToQueue.js"));
      const documents = async () =>
        (await rig.setup.s3.send(new ListObjectsV2Command({ Bucket: ops, Prefix: "rejects/" })))
          .KeyCount ?? 0;
      const arn = arnIn(rig.at);
      return {
        permissions: withRejects(
          permissions({
            ...rig.at,
            bucket,
            bucketKeyArn: rig.keyArn("uploads"),
            queueName,
            queueKeyArn: rig.keyArn("rows"),
          }),
          rejectDestinationPermissions(rig.at, destination, { keyArn: rig.keyArn("ops") }),
        ),
        keys: [
          { resource: arn.objects(bucket), keyArn: rig.keyArn("uploads") },
          { resource: arn.queue(queueName), keyArn: rig.keyArn("rows") },
          { resource: arn.objects(ops), keyArn: rig.keyArn("ops") },
        ],
        main: async () => {
          const key = "pedidos.csv";
          const put = await rig.setup.s3.send(
            new PutObjectCommand({ Bucket: bucket, Key: key, Body: csvBody }),
          );
          await handler(
            objectCreatedEvent(bucket, key, { etag: put.ETag ?? "" }),
            localContext("csvToQueue", 900_000),
          );
          expect(await queueDepth(rig.setup.sqs, queue.url)).toBeGreaterThan(0);
          // Seed 004's file holds two bad rows: one document each.
          expect(await documents()).toBe(2);
        },
        rare: {
          actions: ["s3:ListBucket"],
          because:
            "never called: S3 needs it to answer NoSuchKey (the object is rejected and skipped) instead of AccessDenied for an object deleted before it was read",
          run: async () => {
            await handler(
              objectCreatedEvent(bucket, "borrado.csv", { etag: "0" }),
              localContext("csvToQueue"),
            );
            expect(await documents()).toBe(3);
          },
        },
      };
    },
  },
];
