import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbAggregateStore } from "../../adapters/aws/DynamoDbAggregateStore.js";
import { fromSdkItem, toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { createTable, emulatorClients } from "../support/emulators.js";
import { aggregateStoreContract } from "./aggregateStore.contract.js";

aggregateStoreContract("DynamoDbAggregateStore on DynamoDB Local", async (clock = Date.now) => {
  const { dynamodb } = emulatorClients();
  const { name } = await createTable(dynamodb, "totals", { order_date: "S", item_number: "S" });
  const store = new DynamoDbAggregateStore(
    dynamodb,
    name,
    seedAggregateSpec,
    markerLayoutOf(seedAggregateSpec),
    clock,
  );
  const item = async (key: AttributeMap) => {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: name, Key: toSdkItem(key), ConsistentRead: true }),
    );
    return Item ? fromSdkItem(Item) : undefined;
  };
  return {
    store,
    item,
    total: async (key) => {
      const quantity = (await item(key))?.quantity;
      return quantity && "N" in quantity ? quantity.N : undefined;
    },
  };
});
