import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryAggregateStore } from "../../adapters/memory/InMemoryAggregateStore.js";
import { markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { aggregateStoreContract } from "./aggregateStore.contract.js";

aggregateStoreContract("InMemoryAggregateStore", async (clock = () => 0) => {
  const db = new InMemoryDynamoDb();
  db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
  const store = new InMemoryAggregateStore(
    db,
    "totals",
    seedAggregateSpec,
    markerLayoutOf(seedAggregateSpec),
    clock,
  );
  return {
    store,
    item: async (key) => db.get("totals", key),
    total: async (key) => {
      const item = db.get("totals", key);
      const quantity = item?.quantity;
      return quantity && "N" in quantity ? quantity.N : undefined;
    },
  };
});
