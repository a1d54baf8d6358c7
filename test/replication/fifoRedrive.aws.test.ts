import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import { fromSdkItem, toSdkItem } from "../../adapters/shared/sdkAttributes.js";
import { applyChanges, createQueueWithDlq, queueDepth } from "../../bin/emulatorResources.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { decodeRejectDocument } from "../../domain/rejectDocument.js";
import { emulatorEnv, runCliBinary } from "../cli/runBinary.js";
import { quickStreamPolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { parseTemplate } from "../support/cloudFormationYaml.js";
import {
  createTable,
  emulatorClients,
  emulatorEndpoints,
  uniqueName,
} from "../support/emulators.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";

/**
 * Seed 000 on a FIFO queue with a dead-letter queue, through the deployable handlers (environment
 * variables only) on DynamoDB Local and moto SQS. A change whose replica write keeps failing (the
 * replica's DynamoDB endpoint, a fault proxy, throttles it) is dead-lettered; a newer change of the
 * same key is applied; then the real `redrive` binary replays the dead letter into the queue, as
 * the README says to. AWS: "Don't use a dead-letter queue with a FIFO queue if you don't want to
 * break the exact order of messages or operations" (SQS Developer Guide, "Using dead-letter
 * queues"): the replayed change arrives after the newer one, and must not overwrite it.
 */
const c = emulatorClients();
const TEMPLATE = fileURLToPath(new URL("../../examples/sam/template.yaml", import.meta.url));

type Json = Record<string, unknown>;
interface Resource {
  readonly Type: string;
  readonly Properties: Json;
}

/**
 * The environment examples/sam/template.yaml gives seed 000's queueToTable function, each
 * `!Ref` of a table resolved to a table created here as the template defines it (key schema and
 * attribute types).
 */
const samReplicaEnvironment = async (): Promise<Record<string, string>> => {
  const template = parseTemplate(readFileSync(TEMPLATE, "utf8")) as {
    Resources: Record<string, Resource>;
  };
  const fn = template.Resources.ReplicaQueueToTableFunction;
  const variables = ((fn?.Properties.Environment as Json | undefined)?.Variables ?? {}) as Json;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const ref = (value as { Ref?: unknown }).Ref;
    const resource = typeof ref === "string" ? template.Resources[ref] : undefined;
    if (typeof value === "string") env[name] = value;
    else if (resource?.Type === "AWS::DynamoDB::Table") {
      const tableName = uniqueName(String(ref));
      await c.dynamodb.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: resource.Properties.AttributeDefinitions as never,
          KeySchema: resource.Properties.KeySchema as never,
        }),
      );
      env[name] = tableName;
    } else throw new Error(`${name}: ${JSON.stringify(value)} is not a table this test creates`);
  }
  return env;
};

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(async () => {
  await proxy.close();
});

/** The replica's writes fail (throttled) while `failing`; everything else goes through. */
let failing = false;
const throttleReplicaWrites = () => {
  proxy.rule = ({ operation }) =>
    failing && (operation === "BatchWriteItem" || operation === "TransactWriteItems")
      ? { error: "ProvisionedThroughputExceededException" }
      : undefined;
};

const VARIABLES = ["QUEUE_URL", "TABLE_NAME", "VERSION_TABLE", "REJECT_DESTINATION"];

/**
 * Seed 000 wired on the emulators: a source table with a stream → streamToQueue → a FIFO queue
 * whose DLQ takes a message after 2 receives → queueToTable (`queueVariables`, its DynamoDB
 * calls through the fault proxy) → the replica.
 */
const pipeline = async (queueVariables: Readonly<Record<string, string>>) => {
  const source = await createTable(
    c.dynamodb,
    "fifo-redrive-source",
    { id: "S" },
    { stream: true },
  );
  const queue = await createQueueWithDlq(c.sqs, `${uniqueName("fifo-redrive")}.fifo`, {
    maxReceiveCount: 2,
    visibilityTimeoutSeconds: 1,
  });
  for (const name of VARIABLES) delete process.env[name];
  setHandlerEnvironment({ QUEUE_URL: queue.url, ...queueVariables });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
  vi.resetModules();
  const streamToQueue = (await import("../../handlers/streamToQueue.js")).handler;
  const queueToTable = (await import("../../handlers/queueToTable.js")).handler;
  const stream = new DynamoDbStreamPoller(
    c.streams,
    source.streamArn ?? "",
    streamToQueue,
    quickStreamPolling,
  );
  const consumer = new SqsPoller(c.sqs, queue.url, queueToTable, {
    waitTimeSeconds: 1,
    maxEmptyPolls: 2,
    // A short invocation: throttled writes are retried only until its deadline.
    timeoutMs: 1_500,
  });
  const replica = queueVariables.TABLE_NAME ?? "";
  throttleReplicaWrites();
  return {
    queue,
    /** Writes the changes to the source and runs the pipeline until the queue is empty. */
    change: async (...changes: Parameters<typeof applyChanges>[2]) => {
      await applyChanges(c.dynamodb, source.name, changes);
      await stream.run();
      await consumer.run();
    },
    /** Runs the consumer while the replica throttles, until the queue's message is dead-lettered. */
    deadLetter: async (...changes: Parameters<typeof applyChanges>[2]) => {
      failing = true;
      try {
        await applyChanges(c.dynamodb, source.name, changes);
        await stream.run();
        for (let round = 0; round < 20 && (await queueDepth(c.sqs, queue.dlqUrl)) === 0; round++)
          await consumer.run();
      } finally {
        failing = false;
      }
      expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(changes.length);
      expect(await queueDepth(c.sqs, queue.url)).toBe(0);
    },
    /** The real binary: the dead-letter queue back into the input queue, then the consumer. */
    redrive: async () => {
      const run = await runCliBinary(
        ["redrive", "--from", queue.dlqUrl, "--to", queue.url, "--json"],
        emulatorEnv(),
      );
      expect(run.stderr).not.toContain("redrive:");
      expect(JSON.parse(run.stdout)).toMatchObject({ sent: 1, failed: 0 });
      await consumer.run();
      expect(await queueDepth(c.sqs, queue.url)).toBe(0);
      expect(await queueDepth(c.sqs, queue.dlqUrl)).toBe(0);
    },
    item: async (id: string): Promise<AttributeMap | undefined> => {
      const { Item } = await c.dynamodb.send(
        new GetItemCommand({
          TableName: replica,
          Key: toSdkItem({ id: { S: id } }),
          ConsistentRead: true,
        }),
      );
      return Item === undefined ? undefined : fromSdkItem(Item);
    },
  };
};

const user = (v: string): AttributeMap => ({ id: { S: "user-1" }, v: { S: v } });

describe("seed 000 on a FIFO queue with a DLQ, queueToTable as examples/sam/template.yaml configures it", () => {
  it("a change dead-lettered, then redriven after a newer change of its key was applied, does not overwrite it", async () => {
    const p = await pipeline(await samReplicaEnvironment());
    await p.deadLetter({ put: user("v1") });
    await p.change({ put: user("v2") });
    expect(await p.item("user-1")).toEqual(user("v2"));
    await p.redrive();
    expect(await p.item("user-1")).toEqual(user("v2"));
  }, 120_000);

  it("a delete dead-lettered, then redriven after the item was inserted again, does not remove it", async () => {
    const p = await pipeline(await samReplicaEnvironment());
    await p.change({ put: user("v1") });
    await p.deadLetter({ delete: { id: { S: "user-1" } } });
    await p.change({ put: user("v3") });
    expect(await p.item("user-1")).toEqual(user("v3"));
    await p.redrive();
    expect(await p.item("user-1")).toEqual(user("v3"));
  }, 120_000);
});

describe("seed 000 on a FIFO queue with a DLQ and no VERSION_TABLE (nothing orders a replay)", () => {
  it("refuses a redriven change that carries a sequence number: rejected naming VERSION_TABLE, the newer change kept", async () => {
    const rejects = await createQueueWithDlq(c.sqs, uniqueName("fifo-redrive-rejects"), {
      maxReceiveCount: 10,
    });
    const replica = await createTable(c.dynamodb, "fifo-redrive-bare", { id: "S" });
    const p = await pipeline({ TABLE_NAME: replica.name, REJECT_DESTINATION: rejects.url });
    await p.deadLetter({ put: user("v1") });
    await p.change({ put: user("v2") });
    await p.redrive();
    expect(await p.item("user-1")).toEqual(user("v2"));
    const { Messages = [] } = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: rejects.url, MaxNumberOfMessages: 10 }),
    );
    expect(Messages).toHaveLength(1);
    const document = decodeRejectDocument(Messages[0]?.Body ?? "");
    expect(document).toMatchObject({
      _tag: "Right",
      right: { entryPoint: "queueToTable", reason: expect.stringMatching(/VERSION_TABLE/) },
    });
  }, 120_000);
});
