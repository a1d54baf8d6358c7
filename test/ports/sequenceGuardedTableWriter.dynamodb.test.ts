import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbSequenceGuardedTableWriter } from "../../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
import { fromSdkItem, toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { createTable, emulatorClients } from "../support/emulators.js";
import { sequenceGuardedTableWriterContract } from "./sequenceGuardedTableWriter.contract.js";

sequenceGuardedTableWriterContract(
  "DynamoDbSequenceGuardedTableWriter on DynamoDB Local",
  async () => {
    const { dynamodb } = emulatorClients();
    const replica = await createTable(dynamodb, "replica", { pk: "S", sk: "N" });
    const versions = await createTable(dynamodb, "versions", { pk: "S" });
    const writer = new DynamoDbSequenceGuardedTableWriter(dynamodb, {
      table: replica.name,
      versionTable: versions.name,
      retry: noWaitRetryEnv,
    });
    return {
      writer,
      get: async (key) => {
        const { Item } = await dynamodb.send(
          new GetItemCommand({
            TableName: replica.name,
            Key: toSdkItem(key),
            ConsistentRead: true,
          }),
        );
        return Item ? fromSdkItem(Item) : undefined;
      },
      seed: async (item) => {
        await dynamodb.send(new PutItemCommand({ TableName: replica.name, Item: toSdkItem(item) }));
      },
    };
  },
);
