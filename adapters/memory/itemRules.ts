import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  type KeySchema,
  keyOf,
} from "../../domain/attributeValue.js";
import { isDynamoNumber, normalizeNumber } from "../../domain/decimal.js";
import { InMemoryServiceError } from "./serviceError.js";

// DynamoDB's rules on stored values and keys, as the in-memory table enforces them.

/**
 * A number as DynamoDB stores it (canonical form); ValidationException past 38 digits or range.
 * @example checkedNumber("1.50") // "1.5"
 */
export const checkedNumber = (text: string): string => {
  if (!isDynamoNumber(text))
    throw new InMemoryServiceError(
      "ValidationException",
      `Number ${text} is out of range or has more than 38 significant digits`,
    );
  return normalizeNumber(text);
};

/** Normalizes every number inside a value. @example normalizeValue({ N: "01" }) // { N: "1" } */
export const normalizeValue = (value: AttributeValue): AttributeValue => {
  if ("N" in value) return { N: checkedNumber(value.N) };
  if ("NS" in value) return { NS: value.NS.map(checkedNumber) };
  if ("L" in value) return { L: value.L.map(normalizeValue) };
  if ("M" in value) return { M: normalizeItem(value.M) };
  return value;
};

/** Normalizes every number of an item. @example normalizeItem({ n: { N: "1.0" } }) // { n: { N: "1" } } */
export const normalizeItem = (item: AttributeMap): AttributeMap =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, normalizeValue(value)]));

/**
 * The key of an item under a schema; ValidationException when a key attribute is missing.
 * @example itemKeyOf({ partitionKey: "id" }, { id: { S: "a" }, x: { N: "1" } }, "t") // { id: { S: "a" } }
 */
export const itemKeyOf = (schema: KeySchema, item: AttributeMap, table: string): AttributeMap => {
  const key = keyOf(item, schema);
  if (key === undefined)
    throw new InMemoryServiceError(
      "ValidationException",
      `One or more parameter values were invalid: missing key attribute of table ${table}`,
    );
  return key;
};

/**
 * The identity of a key (exactly the schema's attributes, non-empty S/N/B); ValidationException otherwise.
 * @example keyIdOf({ partitionKey: "id" }, { id: { N: "01" } }, "t") === keyIdOf({ partitionKey: "id" }, { id: { N: "1" } }, "t")
 */
export const keyIdOf = (schema: KeySchema, key: AttributeMap, table: string): string => {
  const expected = schema.sortKey === undefined ? 1 : 2;
  const projected = keyOf(key, schema);
  if (projected === undefined || Object.keys(key).length !== expected)
    throw new InMemoryServiceError(
      "ValidationException",
      `The provided key element does not match the schema of table ${table}`,
    );
  for (const value of Object.values(projected)) {
    const valid =
      ("S" in value && value.S !== "") || "N" in value || ("B" in value && value.B !== "");
    if (!valid)
      throw new InMemoryServiceError(
        "ValidationException",
        `key attributes of table ${table} must be non-empty S, N or B`,
      );
  }
  return canonicalKey(normalizeItem(projected));
};
