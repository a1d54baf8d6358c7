import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTotalAttributeWriter } from "../../adapters/memory/InMemoryTotalAttributeWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { totalAttributeWriterContract } from "./totalAttributeWriter.contract.js";

// The same suite runs on DynamoDB Local (totalAttributeWriter.dynamodb.test.ts); throttling is
// injected with InMemoryDynamoDb.fault here and with a fault proxy there.
totalAttributeWriterContract("InMemoryTotalAttributeWriter", async () => {
  const db = new InMemoryDynamoDb();
  db.createTable("totals", { partitionKey: "order_date", sortKey: "item_number" });
  let throttled = 0;
  db.fault = (operation) => {
    if (operation !== "UpdateItem" || throttled === 0) return undefined;
    throttled -= 1;
    return "ProvisionedThroughputExceededException";
  };
  return {
    writerOf: (attribute) =>
      new InMemoryTotalAttributeWriter(db, "totals", attribute, noWaitRetryEnv),
    missing: new InMemoryTotalAttributeWriter(db, "missing", "quantity", noWaitRetryEnv),
    get: async (key) => db.get("totals", key),
    seed: async (item) => {
      db.put("totals", item);
    },
    throttle: (calls) => {
      throttled = calls;
    },
  };
});
