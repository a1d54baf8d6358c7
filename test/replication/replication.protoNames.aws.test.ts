import type { DynamoDBStreamEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { SqsPoller } from "../../adapters/localAws/pollers/SqsPoller.js";
import {
  applyChanges,
  createKeyedTable,
  createQueueWithDlq,
  scanTable,
} from "../../bin/emulatorResources.js";
import { replicationKey } from "../../bin/scenarioData.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { handler as queueToTable } from "../../handlers/queueToTable.js";
import { handler as streamToQueue } from "../../handlers/streamToQueue.js";
import {
  quickQueuePolling,
  quickStreamPolling,
  setHandlerEnvironment,
} from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

/**
 * DynamoDB allows any UTF-8 attribute name of 1 to 255 bytes (64 KB at the top level), including
 * `__proto__`, `constructor` and `prototype`: a lossless replica keeps them at every depth.
 */
const item = (JSON.parse as (text: string) => AttributeMap)(
  JSON.stringify({
    id: { S: "proto-1" },
    constructor: { S: "top constructor" },
    prototype: { N: "1" },
    profile: {
      M: {
        _x_proto__: { S: "in a map" },
        constructor: { S: "x" },
        prototype: { BOOL: true },
        nested: {
          M: {
            _x_proto__: { M: { _x_proto__: { L: [{ M: { _x_proto__: { N: "42" } } }] } } },
            polluted: { S: "no" },
          },
        },
      },
    },
    history: { L: [{ M: { _x_proto__: { S: "in a list" } } }] },
  }).replaceAll('"_x_proto__"', '"__proto__"'),
);

/**
 * The event Lambda's event source mapping delivers for the INSERT of `image`: JSON text, parsed by
 * the runtime with JSON.parse (which keeps `__proto__` as an own property).
 */
const lambdaStreamEvent = (image: AttributeMap): DynamoDBStreamEvent =>
  JSON.parse(
    `{"Records":[{"eventID":"proto-insert","eventName":"INSERT","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1","dynamodb":{"ApproximateCreationDateTime":1700000000,"Keys":{"id":${JSON.stringify(image.id)}},"NewImage":${JSON.stringify(image)},"SequenceNumber":"100","SizeBytes":300,"StreamViewType":"NEW_AND_OLD_IMAGES"}}]}`,
  ) as DynamoDBStreamEvent;

const context = localContext("streamToQueue");

describe("replication keeps attribute names JavaScript treats specially (__proto__, constructor, prototype)", () => {
  const c = emulatorClients();
  const source = uniqueName("proto-source");
  const replica = uniqueName("proto-replica");
  let queuePoller: SqsPoller;
  let streamArn = "";

  beforeAll(async () => {
    ({ streamArn } = await createKeyedTable(c.dynamodb, source, replicationKey, true));
    await createKeyedTable(c.dynamodb, replica, replicationKey);
    const queue = await createQueueWithDlq(c.sqs, `${uniqueName("proto")}.fifo`, {
      maxReceiveCount: 5,
    });
    setHandlerEnvironment({ QUEUE_URL: queue.url, TABLE_NAME: replica });
    queuePoller = new SqsPoller(c.sqs, queue.url, queueToTable, {
      batchSize: 10,
      ...quickQueuePolling,
    });
  });

  it("copies an item with __proto__ inside maps (at several depths) and in a list, and pollutes no prototype", async () => {
    await applyChanges(c.dynamodb, source, [{ put: item }]);
    expect(await streamToQueue(lambdaStreamEvent(item), context)).toEqual({
      batchItemFailures: [],
    });
    expect((await queuePoller.run()).deleted).toBe(1);
    const [stored] = await scanTable(c.dynamodb, source, replicationKey);
    expect(stored).toEqual(item);
    expect(await scanTable(c.dynamodb, replica, replicationKey)).toEqual([item]);
    expect(({} as Record<string, unknown>).S).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("copies it through the emulators' stream too (read as Lambda's event source mapping delivers it)", async () => {
    const again: AttributeMap = { ...item, id: { S: "proto-2" } };
    await applyChanges(c.dynamodb, source, [{ put: again }]);
    const stats = await new DynamoDbStreamPoller(c.streams, streamArn, streamToQueue, {
      batchSize: 100,
      ...quickStreamPolling,
    }).run();
    expect(stats).toMatchObject({ records: 2, failedInvocations: 0 });
    await queuePoller.run();
    const replicated = await scanTable(c.dynamodb, replica, replicationKey);
    expect(replicated).toEqual(await scanTable(c.dynamodb, source, replicationKey));
    expect(replicated).toHaveLength(2);
  });
});
