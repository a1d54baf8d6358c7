import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import {
  createBucket,
  createKeyedTable,
  createQueueWithDlq,
  queueDepth,
  scanTable,
} from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { quickQueuePolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { startFaultProxy } from "../support/faultProxy.js";
import { emulatorEnv, runCliBinary } from "./runBinary.js";

/**
 * `redrive` through the real binary on moto SQS and S3. Reject documents come from the deployable
 * handlers run with environment variables only (queueToTable deployed with the wrong TABLE_NAME
 * rejects a message; after "the fix", the redriven message is processed); dead-letter queues are
 * filled by hand.
 */
const c = emulatorClients();
const redrive = (...args: string[]) => runCliBinary(["redrive", ...args], emulatorEnv());

interface Summary {
  readonly read: number;
  readonly sent: number;
  readonly notRedrivable: number;
  readonly failed: number;
  readonly problems: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
}

const freshHandlers = async (variables: Readonly<Record<string, string>>) => {
  for (const name of ["QUEUE_URL", "TABLE_NAME", "REJECT_DESTINATION"]) delete process.env[name];
  setHandlerEnvironment(variables);
  vi.resetModules();
  return {
    queueToTable: (await import("../../handlers/queueToTable.js")).handler,
    streamToQueue: (await import("../../handlers/streamToQueue.js")).handler,
  };
};

/** Every message now in a queue (received and deleted), with attributes and group. */
const drain = async (url: string): Promise<Message[]> => {
  const out: Message[] = [];
  for (let round = 0; round < 50; round++) {
    const { Messages = [] } = await c.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["MessageGroupId"],
      }),
    );
    if (Messages.length === 0) return out;
    out.push(...Messages);
    await c.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  throw new Error(`${url} did not drain`);
};

/** Messages visible right now (none in flight): a redrive left its source as it found it. */
const visibleNow = async (url: string): Promise<number> => {
  const { Attributes } = await c.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("0");
  return Number(Attributes?.ApproximateNumberOfMessages);
};

/** The campo1+campo2 item the message carries lacks campo2: the wrong table rejects it. */
const commandMessage = JSON.stringify({
  v: 1,
  commands: [{ op: "put", item: { campo1: { S: "a1" }, campo3: { S: "10" } }, source: "r1" }],
});

/**
 * The pipeline of the replay tests: an input FIFO queue, the table queueToTable was wrongly
 * deployed with (keyed by campo1 and campo2) and the right one (keyed by campo1). The handler
 * on the wrong table rejects the message into `rejectDestination`.
 */
const rejectedOnce = async (rejectDestination: (prefix: string) => Promise<string>) => {
  const input = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
    maxReceiveCount: 5,
  });
  const wrong = uniqueName("wrong");
  const right = uniqueName("right");
  await createKeyedTable(c.dynamodb, wrong, { partitionKey: "campo1", sortKey: "campo2" });
  await createKeyedTable(c.dynamodb, right, { partitionKey: "campo1" });
  const destination = await rejectDestination("rejects");
  const broken = await freshHandlers({ TABLE_NAME: wrong, REJECT_DESTINATION: destination });
  await c.sqs.send(
    new SendMessageCommand({
      QueueUrl: input.url,
      MessageBody: commandMessage,
      MessageGroupId: "g",
      MessageDeduplicationId: "first",
    }),
  );
  const log = captureRejectLog();
  try {
    const run = await new SqsPoller(c.sqs, input.url, broken.queueToTable, quickQueuePolling).run();
    expect(run).toMatchObject({ deleted: 1, failed: 0 });
  } finally {
    log.stop();
  }
  expect(await scanTable(c.dynamodb, wrong, { partitionKey: "campo1", sortKey: "campo2" })).toEqual(
    [],
  );
  expect(await queueDepth(c.sqs, input.url)).toBe(0);
  /** Deploys the fix (the right table) and lets the function drain the input queue. */
  const afterTheFix = async () => {
    const fixed = await freshHandlers({ TABLE_NAME: right, REJECT_DESTINATION: destination });
    const run = await new SqsPoller(c.sqs, input.url, fixed.queueToTable, quickQueuePolling).run();
    expect(run).toMatchObject({ deleted: 1, failed: 0 });
    return scanTable(c.dynamodb, right, { partitionKey: "campo1" });
  };
  return { input, destination, afterTheFix };
};

describe("redrive a dead-letter queue (raw messages) on moto", () => {
  it("sends every message with its attributes to --to, then deletes it from the DLQ", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, uniqueName("csv"), { maxReceiveCount: 1 });
    const target = await createQueueWithDlq(c.sqs, uniqueName("input"), { maxReceiveCount: 5 });
    const bodies = Array.from({ length: 12 }, (_, i) => `{"n":${i}}`);
    for (const [i, body] of bodies.entries())
      await c.sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: body,
          ...(i === 0
            ? {
                MessageAttributes: {
                  origin: { DataType: "String", StringValue: "ejemplo.csv" },
                  raw: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 255]) },
                },
              }
            : {}),
        }),
      );
    const result = await redrive("--from", dlqUrl, "--to", target.url, "--json");
    expect(result.stderr).not.toContain("redrive:");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      read: 12,
      sent: 12,
      notRedrivable: 0,
      failed: 0,
    });
    const received = await drain(target.url);
    expect(received.map((m) => m.Body).sort()).toEqual([...bodies].sort());
    const first = received.find((m) => m.Body === bodies[0]);
    expect(first?.MessageAttributes?.origin).toMatchObject({
      DataType: "String",
      StringValue: "ejemplo.csv",
    });
    expect([...(first?.MessageAttributes?.raw?.BinaryValue ?? [])]).toEqual([0, 1, 255]);
    expect(await queueDepth(c.sqs, dlqUrl)).toBe(0);
  });

  it("keeps FIFO message groups and their order into a FIFO --to", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, `${uniqueName("rows")}.fifo`, {
      maxReceiveCount: 1,
    });
    const target = await createQueueWithDlq(c.sqs, `${uniqueName("input")}.fifo`, {
      maxReceiveCount: 5,
    });
    const sent = ["a-1", "b-1", "a-2", "a-3", "b-2"];
    for (const [i, body] of sent.entries())
      await c.sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: body,
          MessageGroupId: body.slice(0, 1),
          MessageDeduplicationId: `d${i}`,
        }),
      );
    const result = await redrive("--from", dlqUrl, "--to", target.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("5 read, 5 sent, 0 not redrivable, 0 failed");
    const received = await drain(target.url);
    for (const group of ["a", "b"])
      expect(
        received.filter((m) => m.Attributes?.MessageGroupId === group).map((m) => m.Body),
      ).toEqual(sent.filter((body) => body.startsWith(group)));
  });

  it("--dry-run prints what it would send where and leaves both queues as they were", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, uniqueName("csv"), { maxReceiveCount: 1 });
    const target = await createQueueWithDlq(c.sqs, uniqueName("input"), { maxReceiveCount: 5 });
    for (const body of ["one", "two", "three"])
      await c.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: body }));
    const result = await redrive("--from", dlqUrl, "--to", target.url, "--dry-run");
    expect(result.code).toBe(0);
    for (const body of ["one", "two", "three"])
      expect(result.stdout).toMatch(new RegExp(`would send \\S+ to ${target.url}: ${body}\\n`));
    expect(result.stdout).toContain("3 read, 3 would be sent (dry run: nothing changed)");
    expect(await visibleNow(dlqUrl)).toBe(3);
    expect(await queueDepth(c.sqs, target.url)).toBe(0);
    expect((await drain(dlqUrl)).map((m) => m.Body).sort()).toEqual(["one", "three", "two"]);
  });

  it("--max stops after n messages; the rest stay", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, uniqueName("csv"), { maxReceiveCount: 1 });
    const target = await createQueueWithDlq(c.sqs, uniqueName("input"), { maxReceiveCount: 5 });
    for (let i = 0; i < 15; i++)
      await c.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: `m${i}` }));
    const result = await redrive("--from", dlqUrl, "--to", target.url, "--max", "12", "--json");
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 12, sent: 12 });
    expect(await queueDepth(c.sqs, target.url)).toBe(12);
    expect(await visibleNow(dlqUrl)).toBe(3);
  });
});

describe("redrive reject documents written by the deployable handlers", () => {
  it("SQS destination: dry run changes nothing; after the fix the replayed message is processed", async () => {
    const { input, destination, afterTheFix } = await rejectedOnce(async (prefix) => {
      const queue = await createQueueWithDlq(c.sqs, uniqueName(prefix), { maxReceiveCount: 10 });
      return queue.url;
    });
    expect(await visibleNow(destination)).toBe(1);

    const dry = await redrive("--from", destination, "--dry-run", "--json");
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { wouldSend: { to: string; body: string }[] };
    // No --to: the document's eventSourceARN names the input queue.
    expect(plan.wouldSend).toEqual([
      expect.objectContaining({ to: input.url, body: commandMessage }),
    ]);
    expect(await visibleNow(destination)).toBe(1);
    expect(await queueDepth(c.sqs, input.url)).toBe(0);

    const run = await redrive("--from", destination, "--json");
    expect(run.stderr).not.toContain("redrive:");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 1, sent: 1, notRedrivable: 0, failed: 0 });
    expect(await queueDepth(c.sqs, destination)).toBe(0);
    expect(await afterTheFix()).toEqual([{ campo1: { S: "a1" }, campo3: { S: "10" } }]);
  });

  it("S3 destination: dry run changes nothing; the document is deleted once sent; the fix processes it", async () => {
    const bucket = uniqueName("ops");
    await createBucket(c.s3, bucket);
    const { input, afterTheFix } = await rejectedOnce(
      async (prefix) => `s3://${bucket}/${prefix}/`,
    );
    const keys = async () =>
      ((await c.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map(
        (o) => `${o.Key}@${o.ETag}`,
      );
    const before = await keys();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/^rejects\/queueToTable\//);

    const dry = await redrive("--from", `s3://${bucket}/rejects/`, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`to ${input.url}: ${commandMessage}`);
    expect(await keys()).toEqual(before);
    expect(await queueDepth(c.sqs, input.url)).toBe(0);

    const run = await redrive("--from", `s3://${bucket}/rejects/`, "--to", input.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("1 read, 1 sent, 0 not redrivable, 0 failed");
    expect(await keys()).toEqual([]);
    expect(await afterTheFix()).toEqual([{ campo1: { S: "a1" }, campo3: { S: "10" } }]);
  });

  it("a stream record's document is reported not redrivable and left in place (exit 1)", async () => {
    const target = await createQueueWithDlq(c.sqs, uniqueName("changes"), { maxReceiveCount: 10 });
    const destination = await createQueueWithDlq(c.sqs, uniqueName("rejects"), {
      maxReceiveCount: 10,
    });
    const h = await freshHandlers({ QUEUE_URL: target.url, REJECT_DESTINATION: destination.url });
    const bad = { eventID: "e1", eventName: "INSERT", dynamodb: { SequenceNumber: "100" } };
    expect(
      await h.streamToQueue({ Records: [bad] } as never, localContext("streamToQueue")),
    ).toEqual({ batchItemFailures: [] });

    const result = await redrive("--from", destination.url, "--to", target.url, "--json");
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary).toMatchObject({ read: 1, sent: 0, notRedrivable: 1, failed: 0 });
    expect(summary.problems[0]?.reason).toContain("invoke streamToQueue");
    const text = await redrive("--from", destination.url, "--to", target.url);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /not redrivable: \S+: a DynamoDB stream record cannot be written back/,
    );
    expect(await visibleNow(destination.url)).toBe(1);
    expect(await queueDepth(c.sqs, target.url)).toBe(0);
  });

  it("a missing source or target queue stops the command (exit 2)", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, uniqueName("csv"), { maxReceiveCount: 1 });
    const gone = dlqUrl.replace(/[^/]+$/, uniqueName("gone"));
    const missingSource = await redrive("--from", gone, "--to", dlqUrl);
    expect(missingSource.code).toBe(2);
    expect(missingSource.stderr).toContain("does not exist");
    await c.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "kept" }));
    const missingTarget = await redrive("--from", dlqUrl, "--to", gone);
    expect(missingTarget.code).toBe(2);
    expect(await visibleNow(dlqUrl)).toBe(1);
  });
});

/**
 * A redrive run that stops after its send and before its delete (here: the delete never reaches
 * the emulator, as when the process is killed between the two), then a second run within SQS's
 * 5-minute deduplication window. The FIFO target must hold each record once: its deduplication
 * id must not depend on what changes from one receive to the next (the receipt handle).
 */
describe("redrive into a FIFO queue, run again after an interrupted run", () => {
  const interrupted = async (
    service: "SQS" | "S3",
    refused: string,
    args: ReadonlyArray<string>,
  ) => {
    const proxy = await startFaultProxy(emulatorEndpoints().moto);
    proxy.rule = ({ operation }) =>
      operation === refused
        ? {
            error: "AccessDenied",
            status: 403,
            message: "injected: the run stops before its delete",
          }
        : undefined;
    // The SQS client sends to the host of the queue URL it is given: the URLs name the proxy.
    const moto = emulatorEndpoints().moto;
    const proxied = args.map((arg) =>
      arg.startsWith(moto) ? proxy.endpoint + arg.slice(moto.length) : arg,
    );
    try {
      return await runCliBinary(["redrive", ...proxied], {
        ...emulatorEnv(),
        [`AWS_ENDPOINT_URL_${service}`]: proxy.endpoint,
      });
    } finally {
      await proxy.close();
    }
  };

  it("a dead letter sent, not deleted, then redriven again: the FIFO target holds it once; a later dead letter of the same body is sent", async () => {
    const { dlqUrl } = await createQueueWithDlq(c.sqs, uniqueName("csv"), { maxReceiveCount: 1 });
    const target = await createQueueWithDlq(c.sqs, `${uniqueName("input")}.fifo`, {
      maxReceiveCount: 5,
    });
    await c.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "dead letter" }));
    // Hidden 1 s only, so the second run finds it again well within the 5 minutes.
    const args = ["--from", dlqUrl, "--to", target.url, "--visibility-timeout", "1"];
    const first = await interrupted("SQS", "DeleteMessageBatch", args);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("1 read, 1 sent");
    expect(first.stdout).toContain("not removed");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await redrive(...args);
    expect(second.stdout).toContain("1 read, 1 sent");
    expect(second.code).toBe(0);
    expect(await queueDepth(c.sqs, dlqUrl)).toBe(0);
    expect((await drain(target.url)).map((m) => m.Body)).toEqual(["dead letter"]);

    // The record fails again and lands in the DLQ again: a new message, never dropped.
    await c.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: "dead letter" }));
    expect((await redrive(...args)).code).toBe(0);
    expect((await drain(target.url)).map((m) => m.Body)).toEqual(["dead letter"]);
  });

  it("a reject document in S3 sent, not deleted, then redriven again: the FIFO target holds it once", async () => {
    const bucket = uniqueName("ops");
    await createBucket(c.s3, bucket);
    const { input } = await rejectedOnce(async (prefix) => `s3://${bucket}/${prefix}/`);
    const args = ["--from", `s3://${bucket}/rejects/`, "--to", input.url];
    const first = await interrupted("S3", "DELETE", args);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("1 read, 1 sent");
    const second = await redrive(...args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("1 read, 1 sent");
    expect((await drain(input.url)).map((m) => m.Body)).toEqual([commandMessage]);
  });
});
