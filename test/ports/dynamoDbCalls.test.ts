import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { awsDynamoDbCalls } from "../../adapters/aws/awsDynamoDbCalls.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { inMemoryDynamoDbCalls } from "../../adapters/memory/inMemoryDynamoDbCalls.js";
import type { DynamoDbCalls } from "../../adapters/shared/dynamoDbCalls.js";
import { mapServiceError } from "../../adapters/shared/mapServiceError.js";
import type { ServiceFailure } from "../../adapters/shared/serviceFailure.js";
import { createTable, emulatorClients } from "../support/emulators.js";

// The two bindings of DynamoDbCalls answer the same SDK-shaped requests alike: DynamoDB Local
// through the SDK, and the in-memory DynamoDB through its binding (expressions interpreted,
// errors shaped like the SDK's). The shared adapters rely on exactly these answers.

interface Fixture {
  readonly calls: DynamoDbCalls;
  /** A table with key `id` (S) and a table with key `pk` (S) and sort key `n` (N). */
  readonly table: string;
  readonly sorted: string;
}

const bindings: ReadonlyArray<readonly [string, () => Promise<Fixture>]> = [
  [
    "awsDynamoDbCalls on DynamoDB Local",
    async () => {
      const { dynamodb } = emulatorClients();
      const table = (await createTable(dynamodb, "calls", { id: "S" })).name;
      const sorted = (await createTable(dynamodb, "calls-sorted", { pk: "S", n: "N" })).name;
      return { calls: awsDynamoDbCalls(dynamodb), table, sorted };
    },
  ],
  [
    "inMemoryDynamoDbCalls",
    async () => {
      const db = new InMemoryDynamoDb();
      db.createTable("calls", { partitionKey: "id" }, { keyTypes: { id: "S" } });
      db.createTable(
        "sorted",
        { partitionKey: "pk", sortKey: "n" },
        { keyTypes: { pk: "S", n: "N" } },
      );
      return { calls: inMemoryDynamoDbCalls(db), table: "calls", sorted: "sorted" };
    },
  ],
];

const failureOf = <A>(result: E.Either<ServiceFailure, A>): ServiceFailure => {
  if (E.isRight(result)) throw new Error("expected the call to fail");
  return result.left;
};

const guardedPut = (table: string, id: string, seq: string): TransactWriteItem => ({
  Put: {
    TableName: table,
    Item: { id: { S: id }, seq: { S: seq } },
    ConditionExpression: "attribute_not_exists(#id) OR #seq < :seq",
    ExpressionAttributeNames: { "#id": "id", "#seq": "seq" },
    ExpressionAttributeValues: { ":seq": { S: seq } },
  },
});

const totalIs = (table: string, id: string, total: string): TransactWriteItem => ({
  ConditionCheck: {
    TableName: table,
    Key: { id: { S: id } },
    ConditionExpression: "#total = :total",
    ExpressionAttributeNames: { "#total": "total" },
    ExpressionAttributeValues: { ":total": { N: total } },
  },
});

describe.each(bindings)("DynamoDbCalls: %s", (_, makeFixture) => {
  it("describes a table's key schema; a missing table is ResourceNotFoundException (Configuration)", async () => {
    const { calls, sorted } = await makeFixture();
    const described = await calls.describeTable({ TableName: sorted })();
    expect(E.isRight(described) && described.right.Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "n", KeyType: "RANGE" },
    ]);
    const failure = failureOf(await calls.describeTable({ TableName: "no-such-table" })());
    expect(failure.name).toBe("ResourceNotFoundException");
    expect(mapServiceError(failure, "table no-such-table")).toMatchObject({
      _tag: "Configuration",
      resource: "table no-such-table",
    });
  });

  it("cancels a transaction whose condition fails, with one reason per action", async () => {
    const { calls, table } = await makeFixture();
    const first = await calls.transactWriteItems({
      TransactItems: [guardedPut(table, "a", "002"), guardedPut(table, "b", "001")],
    })();
    expect(E.isRight(first)).toBe(true);
    const failure = failureOf(
      await calls.transactWriteItems({
        TransactItems: [guardedPut(table, "a", "001"), guardedPut(table, "b", "002")],
      })(),
    );
    expect(failure.name).toBe("TransactionCanceledException");
    expect(failure.CancellationReasons?.map((reason) => reason.Code)).toEqual([
      "ConditionalCheckFailed",
      "None",
    ]);
    const newer = await calls.transactWriteItems({
      TransactItems: [guardedPut(table, "a", "003")],
    })();
    expect(E.isRight(newer)).toBe(true);
  });

  it("adds with ADD and compares numbers numerically (10 > 9)", async () => {
    const { calls, table } = await makeFixture();
    const add = (delta: string): TransactWriteItem => ({
      Update: {
        TableName: table,
        Key: { id: { S: "t" } },
        UpdateExpression: "ADD #total :delta",
        ExpressionAttributeNames: { "#total": "total" },
        ExpressionAttributeValues: { ":delta": { N: delta } },
      },
    });
    expect(E.isRight(await calls.transactWriteItems({ TransactItems: [add("4")] })())).toBe(true);
    expect(E.isRight(await calls.transactWriteItems({ TransactItems: [add("6.0")] })())).toBe(true);
    const check = (total: string) =>
      calls.transactWriteItems({ TransactItems: [totalIs(table, "t", total)] })();
    expect(E.isRight(await check("10"))).toBe(true);
    expect(failureOf(await check("9")).name).toBe("TransactionCanceledException");
    const below = await calls.transactWriteItems({
      TransactItems: [
        {
          ConditionCheck: {
            TableName: table,
            Key: { id: { S: "t" } },
            ConditionExpression: "#total < :limit",
            ExpressionAttributeNames: { "#total": "total" },
            ExpressionAttributeValues: { ":limit": { N: "9" } },
          },
        },
      ],
    })();
    expect(failureOf(below).CancellationReasons?.[0]?.Code).toBe("ConditionalCheckFailed");
  });

  it("refuses two requests on one key in a BatchWriteItem (ValidationException → InvalidRecord)", async () => {
    const { calls, table } = await makeFixture();
    const put = { PutRequest: { Item: { id: { S: "same" } } } };
    const failure = failureOf(
      await calls.batchWriteItem({ RequestItems: { [table]: [put, put] } })(),
    );
    expect(failure.name).toBe("ValidationException");
    expect(mapServiceError(failure, `table ${table}`)).toMatchObject({ _tag: "InvalidRecord" });
    const written = await calls.batchWriteItem({ RequestItems: { [table]: [put] } })();
    expect(E.isRight(written) && written.right.UnprocessedItems?.[table]).toBeFalsy();
  });
});
