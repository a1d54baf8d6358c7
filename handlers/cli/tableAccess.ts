import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbTableScanner } from "../../adapters/aws/DynamoDbTableScanner.js";
import { DynamoDbTableWriter } from "../../adapters/aws/DynamoDbTableWriter.js";
import { DynamoDbTotalAttributeWriter } from "../../adapters/aws/DynamoDbTotalAttributeWriter.js";
import type { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryTableScanner } from "../../adapters/memory/InMemoryTableScanner.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { InMemoryTotalAttributeWriter } from "../../adapters/memory/InMemoryTotalAttributeWriter.js";
import type { TableScanner } from "../../ports/tableScanner.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import type { TotalAttributeWriter } from "../../ports/totalAttributeWriter.js";

/**
 * The tables a command reads and writes, by name: DynamoDB for the binary, the in-memory
 * DynamoDB for `npm start` and tests. The commands' code is the same on both.
 * @example const orders = tables.scanner("orders");
 */
export interface TableAccess {
  readonly scanner: (table: string) => TableScanner;
  readonly writer: (table: string) => TableWriter;
  /** The writer of one aggregation's total attribute (its sum target) on a totals table. */
  readonly totals: (table: string, attribute: string) => TotalAttributeWriter;
}

/**
 * DynamoDB through the SDK's configuration chain (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB …); the
 * client is made at the first use.
 * @example const check = await checkAggregates(flags, io, awsTables());
 */
export const awsTables = (): TableAccess => {
  let client: DynamoDBClient | undefined;
  const shared = () => {
    client ??= new DynamoDBClient({});
    return client;
  };
  return {
    scanner: (table) => new DynamoDbTableScanner(shared(), table),
    writer: (table) => new DynamoDbTableWriter(shared(), table),
    totals: (table, attribute) => new DynamoDbTotalAttributeWriter(shared(), table, attribute),
  };
};

/**
 * The tables of an {@link InMemoryDynamoDb}, through the same adapter code as DynamoDB's.
 * @example const verify = verifyAggregatesCommandOn(inMemoryTables(pipeline.db));
 */
export const inMemoryTables = (db: InMemoryDynamoDb): TableAccess => ({
  scanner: (table) => new InMemoryTableScanner(db, table),
  writer: (table) => new InMemoryTableWriter(db, table),
  totals: (table, attribute) => new InMemoryTotalAttributeWriter(db, table, attribute),
});
