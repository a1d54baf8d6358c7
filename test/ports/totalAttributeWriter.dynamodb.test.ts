import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { DynamoDbTotalAttributeWriter } from "../../adapters/aws/DynamoDbTotalAttributeWriter.js";
import { fromSdkItem, toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { createTable, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import { totalAttributeWriterContract } from "./totalAttributeWriter.contract.js";

// The writer talks to DynamoDB Local through a fault proxy, which forwards every call untouched
// unless a test throttles the next UpdateItem calls.
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(() => proxy.close());

totalAttributeWriterContract("DynamoDbTotalAttributeWriter on DynamoDB Local", async () => {
  const { dynamodb } = proxiedClients(proxy.endpoint);
  const { name } = await createTable(dynamodb, "totals", { order_date: "S", item_number: "S" });
  let throttled = 0;
  proxy.rule = ({ operation, body }) => {
    if (operation !== "UpdateItem" || throttled === 0) return undefined;
    if ((body as { TableName?: string }).TableName !== name) return undefined;
    throttled -= 1;
    return { error: "ProvisionedThroughputExceededException" };
  };
  return {
    writerOf: (attribute) =>
      new DynamoDbTotalAttributeWriter(dynamodb, name, attribute, noWaitRetryEnv),
    missing: new DynamoDbTotalAttributeWriter(
      dynamodb,
      uniqueName("missing"),
      "quantity",
      noWaitRetryEnv,
    ),
    get: async (key) => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: name, Key: toSdkItem(key), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fromSdkItem(Item);
    },
    seed: async (item) => {
      await dynamodb.send(new PutItemCommand({ TableName: name, Item: toSdkItem(item) }));
    },
    throttle: (calls) => {
      throttled = calls;
    },
  };
});
