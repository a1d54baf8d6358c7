import { GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { Context, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { scanTable } from "../../bin/emulatorResources.js";
import { encodeMessageBody } from "../../domain/messageBody.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import {
  asSqsEvent,
  createTable,
  emulators,
  invoke,
  uniqueName,
  useEnvironment,
} from "../fixtures/corpusRig.js";

type Handler = (event: SQSEvent, context: Context) => Promise<unknown>;

const STANDARD = "arn:aws:sqs:us-east-1:123456789012:replica";
const FIFO = "arn:aws:sqs:us-east-1:123456789012:replica.fifo";
const key = { id: { S: "user-1" } };
const put = (seq?: string): WriteCommand => ({
  op: "put",
  key,
  item: { ...key, v: { S: `v${seq ?? "-"}` } },
  source: `evt-${seq ?? "bare"}`,
  ...(seq === undefined ? {} : { seq }),
});
const remove = (seq: string): WriteCommand => ({ op: "delete", key, source: `evt-${seq}`, seq });

let sent = 0;
/** One SQS event of one message per body, from the queue `arn` (as Lambda delivers it). */
const eventOf = (arn: string, ...bodies: ReadonlyArray<string>): SQSEvent =>
  asSqsEvent(
    bodies.map((body) => ({ messageId: `m-${++sent}`, body, md5OfBody: "", attributes: {} })),
    arn,
  );

/**
 * queueToTable's deployable handler on a standard queue: only env vars set, DynamoDB Local. Each
 * case imports the module fresh: a function's environment is read once, at its cold start.
 */
describe("queueToTable on a standard SQS queue (eventSourceARN not ending in .fifo)", () => {
  const { dynamodb } = emulators();
  const replica = uniqueName("ordering-replica");
  const versions = uniqueName("ordering-versions");

  const fresh = async (variables: Readonly<Record<string, string>>): Promise<Handler> => {
    vi.resetModules();
    delete process.env.VERSION_TABLE;
    useEnvironment(variables);
    return (await import("../../handlers/queueToTable.js")).handler as unknown as Handler;
  };
  const items = () => scanTable(dynamodb, replica, { partitionKey: "id" });

  beforeAll(async () => {
    await createTable(dynamodb, replica, { id: "S" });
    await createTable(dynamodb, versions, { pk: "S" });
  });

  it("without VERSION_TABLE refuses the setup at its first invocation, naming FIFO and VERSION_TABLE, and writes nothing", async () => {
    const handler = await fresh({ TABLE_NAME: replica });
    const { error } = await invoke(handler, eventOf(STANDARD, encodeMessageBody([put("1")])), "q");
    expect(error?.message).toMatch(/standard SQS queue/);
    expect(error?.message).toMatch(/FIFO/);
    expect(error?.message).toMatch(/VERSION_TABLE/);
    expect(await items()).toEqual([]);
  });

  it("without VERSION_TABLE, seed 000's bare DynamoDB-JSON image from a FIFO queue is written", async () => {
    const handler = await fresh({ TABLE_NAME: replica });
    const image = JSON.stringify({ id: { S: "user-1" }, v: { S: "bare" } });
    const { error, response } = await invoke(handler, eventOf(FIFO, image), "q");
    expect(error).toBeUndefined();
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await items()).toEqual([{ id: { S: "user-1" }, v: { S: "bare" } }]);
  });

  it("with VERSION_TABLE converges: a late older put never resurrects an item deleted by a newer command", async () => {
    const handler = await fresh({ TABLE_NAME: replica, VERSION_TABLE: versions });
    const newer = await invoke(handler, eventOf(STANDARD, encodeMessageBody([remove("20")])), "q");
    expect(newer.response).toEqual({ batchItemFailures: [] });
    const late = await invoke(handler, eventOf(STANDARD, encodeMessageBody([put("10")])), "q");
    expect(late.response).toEqual({ batchItemFailures: [] });
    expect(late.rejects).toEqual([]);
    expect(await items()).toEqual([]);
  });

  it("with VERSION_TABLE, version items never expire (a redriven stale command may come back any time)", async () => {
    const handler = await fresh({ TABLE_NAME: replica, VERSION_TABLE: versions });
    await invoke(handler, eventOf(STANDARD, encodeMessageBody([put("30")])), "q");
    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: versions }));
    expect(Items.length).toBeGreaterThan(0);
    for (const item of Items) expect(Object.keys(item).sort()).toEqual(["pk", "seq"]);
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: replica, Key: key, ConsistentRead: true }),
    );
    expect(Item?.v).toEqual({ S: "v30" });
  });

  it("with VERSION_TABLE, a command without a sequence number is rejected (nothing orders it there), naming FIFO", async () => {
    const handler = await fresh({ TABLE_NAME: replica, VERSION_TABLE: versions });
    const image = JSON.stringify({ id: { S: "user-1" }, v: { S: "bare-late" } });
    const { response, rejects } = await invoke(handler, eventOf(STANDARD, image), "q");
    expect(response).toEqual({ batchItemFailures: [] });
    expect(rejects).toEqual([
      { record: expect.any(String), field: "seq", reason: expect.stringMatching(/FIFO/) },
    ]);
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: replica, Key: key, ConsistentRead: true }),
    );
    expect(Item?.v).toEqual({ S: "v30" });
  });
});
