import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { S3RejectSink } from "../../adapters/aws/S3RejectSink.js";
import { SqsRejectSink } from "../../adapters/aws/SqsRejectSink.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { createBucket, createQueueWithDlq } from "../../bin/emulatorResources.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { rejectSinkContract } from "./rejectSink.contract.js";

const c = emulatorClients();

rejectSinkContract("SQS (moto)", async () => {
  const queue = await createQueueWithDlq(c.sqs, uniqueName("rejects"), { maxReceiveCount: 10 });
  const missing = `${emulatorEndpoints().moto}/123456789012/${uniqueName("gone")}`;
  return {
    sink: new SqsRejectSink(c.sqs, queue.url, "contract", noWaitRetryEnv),
    stored: async () => {
      const bodies: string[] = [];
      for (;;) {
        const { Messages } = await c.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }),
        );
        if (!Messages || Messages.length === 0) return bodies;
        bodies.push(...Messages.map((m) => m.Body ?? ""));
      }
    },
    failing: new SqsRejectSink(c.sqs, missing, "contract", noWaitRetryEnv),
  };
});

rejectSinkContract("S3 (moto)", async () => {
  const bucket = uniqueName("ops");
  await createBucket(c.s3, bucket);
  return {
    sink: new S3RejectSink(c.s3, { bucket, prefix: "rejects/" }, "contract", noWaitRetryEnv),
    stored: async () => {
      const listed = await c.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: "rejects/" }),
      );
      const bodies: string[] = [];
      for (const { Key } of listed.Contents ?? []) {
        const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        bodies.push((await object.Body?.transformToString()) ?? "");
      }
      return bodies;
    },
    failing: new S3RejectSink(
      c.s3,
      { bucket: uniqueName("missing"), prefix: "" },
      "contract",
      noWaitRetryEnv,
    ),
  };
});
