/**
 * Least-privilege scenarios of csvToQueue (unversioned and versioned bucket) on the emulators:
 * see test/permissions/permissionRig.ts and test/permissions/permissions.aws.test.ts.
 */
import { PutBucketVersioningCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import { createBucket, createQueueWithDlq, queueDepth } from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { csvBody, csvSchema } from "../../bin/scenarioData.js";
import { uniqueName } from "../support/emulators.js";
import {
  arnIn,
  fresh,
  type PermissionCase,
  type PermissionRig,
  type PermissionScenario,
  quietly,
} from "./permissionRig.js";

const csvToQueue =
  (versioned: boolean) =>
  async (rig: PermissionRig): Promise<PermissionCase> => {
    const bucket = uniqueName("uploads");
    const queueName = uniqueName("rows");
    await createBucket(rig.setup.s3, bucket);
    if (versioned)
      await rig.setup.s3.send(
        new PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
    const queue = await createQueueWithDlq(rig.setup.sqs, queueName, { maxReceiveCount: 5 });
    rig.environment({
      QUEUE_URL: rig.queueUrl(queue.url, "code"),
      CSV_SCHEMA: JSON.stringify(csvSchema),
    });
    const { handler, permissions } = await fresh(() => import("../../handlers/csvToQueue.js"));
    const load = async (key: string, stored: { etag: string; versionId?: string }) =>
      quietly(() =>
        handler(objectCreatedEvent(bucket, key, stored), localContext("csvToQueue", 900_000)),
      );
    const arn = arnIn(rig.at);
    return {
      permissions: permissions({
        ...rig.at,
        bucket,
        bucketKeyArn: rig.keyArn("uploads"),
        keyPrefix: "incoming/",
        queueName,
        queueKeyArn: rig.keyArn("rows"),
        versioned,
      }),
      keys: [
        { resource: arn.objects(bucket), keyArn: rig.keyArn("uploads") },
        { resource: arn.queue(queueName), keyArn: rig.keyArn("rows") },
      ],
      main: async () => {
        const key = "incoming/pedidos año 2026.csv";
        const put = await rig.setup.s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: csvBody }),
        );
        await load(key, {
          etag: put.ETag ?? "",
          ...(put.VersionId ? { versionId: put.VersionId } : {}),
        });
        // Rows reached the queue (how many per message is csvToQueue's business).
        expect(await queueDepth(rig.setup.sqs, queue.url)).toBeGreaterThan(0);
      },
      rare: {
        actions: ["s3:ListBucket"],
        because:
          "never called: S3 needs it to answer NoSuchKey/NoSuchVersion (the object is rejected and skipped) instead of AccessDenied (retried as a deployment error) for an object deleted before it was read",
        run: async () => {
          const log = captureRejectLog();
          try {
            const gone = {
              etag: "0",
              ...(versioned ? { versionId: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" } : {}),
            };
            await handler(
              objectCreatedEvent(bucket, "incoming/borrado.csv", gone),
              localContext("csvToQueue"),
            );
          } finally {
            log.stop();
          }
          expect(log.records.map((r) => r.error.reason.split(":")[0])).toEqual([
            versioned ? "NoSuchVersion" : "NoSuchKey",
          ]);
        },
      },
    };
  };

/** csvToQueue, unversioned and versioned. */
export const csvPermissionScenarios: ReadonlyArray<PermissionScenario> = [
  {
    name: "csvToQueue (unversioned bucket)",
    recorded: {
      code: [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:GetObject",
        "s3:ListBucket",
        "sqs:SendMessage",
      ],
      eventSource: [],
    },
    make: csvToQueue(false),
  },
  {
    name: "csvToQueue (versioned bucket)",
    recorded: {
      code: [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "sqs:SendMessage",
      ],
      eventSource: [],
    },
    make: csvToQueue(true),
  },
];
