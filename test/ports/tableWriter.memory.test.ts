import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import {
  contractKeyTypes,
  contractSchema,
  type TableFault,
  type TableWriterFixture,
  tableWriterContract,
} from "./tableWriter.contract.js";

// The same suite runs on DynamoDB Local (tableWriter.dynamodb.test.ts); faults are injected
// with InMemoryDynamoDb.fault here and with a fault proxy there.
tableWriterContract("InMemoryTableWriter", async (): Promise<TableWriterFixture> => {
  const db = new InMemoryDynamoDb();
  db.createTable("replica", contractSchema, { keyTypes: contractKeyTypes });
  let fault: TableFault | undefined;
  db.fault = (operation) => (operation === "BatchWriteItem" ? fault : undefined);
  return {
    writer: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
    get: async (key) => db.get("replica", key),
    seed: async (item) => {
      db.put("replica", item);
    },
    missing: { writer: new InMemoryTableWriter(db, "missing", noWaitRetryEnv), table: "missing" },
    inject: (next) => {
      fault = next;
    },
    batchCalls: () => db.usage.requests.get("BatchWriteItem") ?? 0,
  };
});
