import { BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbTableScanner } from "../../adapters/aws/DynamoDbTableScanner.js";
import { toSdkItem } from "../../adapters/aws/sdkAttributes.js";
import { createTable, emulatorClients, uniqueName } from "../support/emulators.js";
import { type TableScannerFixture, tableScannerContract } from "./tableScanner.contract.js";
import { contractKeyTypes } from "./tableWriter.contract.js";

// The same suite runs on the in-memory DynamoDB (tableScanner.memory.test.ts).
tableScannerContract(
  "DynamoDbTableScanner on DynamoDB Local",
  async (): Promise<TableScannerFixture> => {
    const { dynamodb } = emulatorClients();
    const { name } = await createTable(dynamodb, "scanned", contractKeyTypes);
    const missing = uniqueName("missing");
    return {
      scanner: new DynamoDbTableScanner(dynamodb, name),
      seed: async (items) => {
        for (let i = 0; i < items.length; i += 25) {
          let requests = {
            [name]: items
              .slice(i, i + 25)
              .map((item) => ({ PutRequest: { Item: toSdkItem(item) } })),
          };
          while (Object.keys(requests).length > 0) {
            const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: requests }));
            requests = (out.UnprocessedItems ?? {}) as typeof requests;
          }
        }
      },
      missing: { scanner: new DynamoDbTableScanner(dynamodb, missing), table: missing },
    };
  },
);
