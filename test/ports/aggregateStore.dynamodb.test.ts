import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbAggregateStore } from "../../adapters/aws/DynamoDbAggregateStore.js";
import { fromSdkItem, toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { createTable, emulatorClients } from "../support/emulators.js";
import { aggregateStoreContract } from "./aggregateStore.contract.js";

aggregateStoreContract("DynamoDbAggregateStore on DynamoDB Local", async () => {
  const { dynamodb } = emulatorClients();
  const { name } = await createTable(dynamodb, "totals", { order_date: "S", item_number: "S" });
  const store = new DynamoDbAggregateStore(
    dynamodb,
    name,
    seedAggregateSpec,
    markerLayoutOf(seedAggregateSpec),
  );
  return {
    store,
    total: async (key) => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: name, Key: toSdkItem(key), ConsistentRead: true }),
      );
      const quantity = Item ? fromSdkItem(Item).quantity : undefined;
      return quantity && "N" in quantity ? quantity.N : undefined;
    },
  };
});
