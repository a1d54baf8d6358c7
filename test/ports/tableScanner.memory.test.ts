import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTableScanner } from "../../adapters/memory/InMemoryTableScanner.js";
import { type TableScannerFixture, tableScannerContract } from "./tableScanner.contract.js";
import { contractKeyTypes, contractSchema } from "./tableWriter.contract.js";

// The same suite runs on DynamoDB Local (tableScanner.dynamodb.test.ts).
tableScannerContract("InMemoryTableScanner", async (): Promise<TableScannerFixture> => {
  const db = new InMemoryDynamoDb();
  db.createTable("orders", contractSchema, { keyTypes: contractKeyTypes });
  return {
    scanner: new InMemoryTableScanner(db, "orders"),
    seed: async (items) => {
      for (const item of items) db.put("orders", item);
    },
    missing: { scanner: new InMemoryTableScanner(db, "missing"), table: "missing" },
  };
});
