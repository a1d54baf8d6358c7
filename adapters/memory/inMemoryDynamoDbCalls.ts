import type {
  AttributeValue as SdkAttributeValue,
  TransactWriteItem,
  WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { AttributeValue } from "../../domain/attributeValue.js";
import {
  conditionOf,
  type ExpressionParameters,
  updateOf,
} from "../localAws/services/dynamoDbExpressions.js";
import type {
  BatchRequest,
  InMemoryDynamoDb,
  TransactAction,
} from "../localAws/services/InMemoryDynamoDb.js";
import { scanPage } from "../localAws/services/scanPages.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import type { DynamoDbCalls } from "../shared/dynamoDbCalls.js";
import { fromSdkItem, fromSdkValue, toSdkItem } from "../shared/sdkAttributes.js";
import { callService } from "../shared/serviceFailure.js";

const refuse = (message: string): never => {
  throw new InMemoryServiceError("ValidationException", message);
};

const parametersOf = (request: {
  readonly ExpressionAttributeNames?: Record<string, string> | undefined;
  readonly ExpressionAttributeValues?: Record<string, SdkAttributeValue> | undefined;
}): ExpressionParameters => ({
  names: request.ExpressionAttributeNames ?? {},
  values: Object.fromEntries(
    Object.entries(request.ExpressionAttributeValues ?? {}).map(
      ([name, value]): [string, AttributeValue] => [name, fromSdkValue(value)],
    ),
  ),
});

const conditionFrom = (request: {
  readonly ConditionExpression?: string | undefined;
  readonly ExpressionAttributeNames?: Record<string, string> | undefined;
  readonly ExpressionAttributeValues?: Record<string, SdkAttributeValue> | undefined;
}) =>
  request.ConditionExpression === undefined
    ? {}
    : { condition: conditionOf(request.ConditionExpression, parametersOf(request)) };

/** One TransactWriteItems action in the simulator's terms. */
const toAction = (item: TransactWriteItem): TransactAction => {
  const { Put, Delete, Update, ConditionCheck } = item;
  const keyed = Delete ?? Update ?? ConditionCheck;
  // ReturnValuesOnConditionCheckFailure: ALL_OLD puts the refused item in the reason.
  const returnOldOnFailure =
    (Put ?? keyed)?.ReturnValuesOnConditionCheckFailure === "ALL_OLD"
      ? { returnOldOnFailure: true }
      : {};
  if (Put !== undefined)
    return {
      kind: "put",
      table: Put.TableName ?? refuse("a Put needs its TableName"),
      item: fromSdkItem(Put.Item ?? refuse("a Put needs its Item")),
      ...conditionFrom(Put),
      ...returnOldOnFailure,
    };
  if (keyed === undefined)
    return refuse("a transaction item needs one of Put, Delete, Update or ConditionCheck");
  const target = {
    table: keyed.TableName ?? refuse("a transaction item needs its TableName"),
    key: fromSdkItem(keyed.Key ?? refuse("a Delete, Update or ConditionCheck needs its Key")),
  };
  if (Delete !== undefined)
    return { kind: "delete", ...target, ...conditionFrom(Delete), ...returnOldOnFailure };
  if (Update !== undefined)
    return {
      kind: "update",
      ...target,
      update: updateOf(Update.UpdateExpression ?? "", parametersOf(Update)),
      ...conditionFrom(Update),
      ...returnOldOnFailure,
    };
  return {
    kind: "check",
    ...target,
    condition: conditionOf(keyed.ConditionExpression ?? "", parametersOf(keyed)),
    ...returnOldOnFailure,
  };
};

/** One BatchWriteItem request in the simulator's terms. */
const toBatchRequest = (request: WriteRequest): BatchRequest => {
  if (request.PutRequest?.Item !== undefined) return { put: fromSdkItem(request.PutRequest.Item) };
  if (request.DeleteRequest?.Key !== undefined)
    return { delete: fromSdkItem(request.DeleteRequest.Key) };
  return refuse("a write request needs a PutRequest with an Item or a DeleteRequest with a Key");
};

/**
 * {@link DynamoDbCalls} on an {@link InMemoryDynamoDb}: the SDK-shaped requests translated onto
 * the simulator (items converted from the SDK's shape, condition and `ADD` update expressions
 * interpreted), responses returned in the SDK's shape (`UnprocessedItems` holds the very requests
 * left unprocessed), and the simulator's SDK-shaped errors returned as failures.
 *
 * @example
 * const writer = new TableWriterOverDynamoDb(inMemoryDynamoDbCalls(db), "replica");
 */
export const inMemoryDynamoDbCalls = (db: InMemoryDynamoDb): DynamoDbCalls => ({
  describeTable: ({ TableName }) =>
    callService(async () => {
      const schema = db.keySchema(TableName ?? "");
      const types = db.keyTypes(TableName ?? "");
      const keys = [schema.partitionKey, ...(schema.sortKey === undefined ? [] : [schema.sortKey])];
      return {
        Table: {
          TableName,
          ItemCount: db.scan(TableName ?? "").length,
          AttributeDefinitions: keys.map((name) => ({
            AttributeName: name,
            AttributeType: types?.[name] ?? "S",
          })),
          KeySchema: [
            { AttributeName: schema.partitionKey, KeyType: "HASH" },
            ...(schema.sortKey === undefined
              ? []
              : [{ AttributeName: schema.sortKey, KeyType: "RANGE" as const }]),
          ],
        },
      };
    }),
  getItem: ({ TableName, Key }) =>
    callService(async () => {
      const item = db.get(TableName ?? "", fromSdkItem(Key ?? refuse("a GetItem needs its Key")));
      return item === undefined ? {} : { Item: toSdkItem(item) };
    }),
  scan: ({ TableName, Segment, TotalSegments, Limit, ExclusiveStartKey }) =>
    callService(async () => {
      const page = scanPage(db, {
        table: TableName ?? refuse("a Scan needs its TableName"),
        segment: Segment,
        totalSegments: TotalSegments,
        limit: Limit,
        exclusiveStartKey:
          ExclusiveStartKey === undefined ? undefined : fromSdkItem(ExclusiveStartKey),
      });
      return {
        Items: page.items.map(toSdkItem),
        Count: page.items.length,
        ...(page.lastEvaluatedKey === undefined
          ? {}
          : { LastEvaluatedKey: toSdkItem(page.lastEvaluatedKey) }),
      };
    }),
  batchWriteItem: ({ RequestItems }) =>
    callService(async () => {
      const unprocessed: Record<string, WriteRequest[]> = {};
      for (const [table, requests] of Object.entries(RequestItems ?? {})) {
        const translated = requests.map(toBatchRequest);
        const left = new Set(db.batchWrite(table, translated));
        const kept = requests.filter((_, i) => left.has(translated[i] as BatchRequest));
        if (kept.length > 0) unprocessed[table] = kept;
      }
      return { UnprocessedItems: unprocessed };
    }),
  updateItem: (input) =>
    callService(async () => {
      const { TableName, Key, UpdateExpression, ReturnValues } = input;
      const table = TableName ?? refuse("an UpdateItem needs its TableName");
      const key = fromSdkItem(Key ?? refuse("an UpdateItem needs its Key"));
      const update = updateOf(UpdateExpression ?? "", parametersOf(input));
      const { condition } = conditionFrom(input);
      const { applied, item } = db.update(table, key, update, condition);
      if (!applied) {
        const refused = new InMemoryServiceError(
          "ConditionalCheckFailedException",
          "The conditional request failed",
        );
        if (input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && item !== undefined)
          refused.Item = toSdkItem(item);
        throw refused;
      }
      if (ReturnValues !== undefined && ReturnValues !== "NONE" && ReturnValues !== "ALL_NEW")
        refuse(`ReturnValues ${ReturnValues} is not supported here`);
      return ReturnValues === "ALL_NEW" && item !== undefined
        ? { Attributes: toSdkItem(item) }
        : {};
    }),
  transactWriteItems: ({ TransactItems }) =>
    callService(async () => {
      db.transactWrite((TransactItems ?? []).map(toAction));
      return {};
    }),
});
