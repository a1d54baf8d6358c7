import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { DynamoDbTableWriter } from "../../adapters/aws/DynamoDbTableWriter.js";
import { fromSdkItem, toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { createTable, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import {
  contractKeyTypes,
  type TableFault,
  type TableWriterFixture,
  tableWriterContract,
} from "./tableWriter.contract.js";

// The writer talks to DynamoDB Local through a fault proxy, which forwards every call untouched
// unless a test injects a fault into this table's BatchWriteItem calls.
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
});
afterAll(() => proxy.close());

type Requests = Record<string, ReadonlyArray<unknown>>;

tableWriterContract(
  "DynamoDbTableWriter on DynamoDB Local",
  async (): Promise<TableWriterFixture> => {
    const { dynamodb } = proxiedClients(proxy.endpoint);
    const { name } = await createTable(dynamodb, "replica", contractKeyTypes);
    let fault: TableFault | undefined;
    let batchCalls = 0;
    proxy.rule = ({ operation, body }) => {
      const requests = (body as { RequestItems?: Requests } | undefined)?.RequestItems?.[name];
      if (operation !== "BatchWriteItem" || requests === undefined) return undefined;
      batchCalls += 1;
      if (fault === "ProvisionedThroughputExceededException") return { error: fault };
      if (fault !== "UnprocessedItems") return undefined;
      const kept = requests.filter((_, i) => i % 2 === 0);
      const left = requests.filter((_, i) => i % 2 === 1);
      return {
        forward: { ...(body as object), RequestItems: { [name]: kept } },
        answer: (response) => ({
          ...(response as object),
          UnprocessedItems: left.length === 0 ? {} : { [name]: left },
        }),
      };
    };
    const missing = uniqueName("missing");
    return {
      writer: new DynamoDbTableWriter(dynamodb, name, noWaitRetryEnv),
      get: async (key) => {
        const { Item } = await dynamodb.send(
          new GetItemCommand({ TableName: name, Key: toSdkItem(key), ConsistentRead: true }),
        );
        return Item === undefined ? undefined : fromSdkItem(Item);
      },
      seed: async (item) => {
        await dynamodb.send(new PutItemCommand({ TableName: name, Item: toSdkItem(item) }));
      },
      missing: {
        writer: new DynamoDbTableWriter(dynamodb, missing, noWaitRetryEnv),
        table: missing,
      },
      inject: (next) => {
        fault = next;
      },
      batchCalls: () => batchCalls,
    };
  },
);
