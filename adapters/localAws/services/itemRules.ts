import { validateAttributeMap } from "../../../domain/attributeValidation.js";
import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  type KeySchema,
  keyOf,
} from "../../../domain/attributeValue.js";
import { isDynamoNumber, normalizeNumber } from "../../../domain/decimal.js";
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
 * The attribute types of a table's key attributes (its AttributeDefinitions).
 * @example const types: KeyTypes = { order_id: "S", line: "N" };
 */
export type KeyTypes = Readonly<Record<string, "S" | "N" | "B">>;

/**
 * Checks every value of an item as DynamoDB does (type tags, numbers, base64, non-empty sets
 * without duplicates, nesting depth, non-empty attribute names); ValidationException otherwise.
 * @example checkedItem({ id: { S: "a" }, tags: { SS: [] } }) // throws ValidationException
 */
export const checkedItem = (item: AttributeMap): AttributeMap => {
  const problem = validateAttributeMap(item);
  if (problem !== undefined)
    throw new InMemoryServiceError(
      "ValidationException",
      `One or more parameter values were invalid: ${problem.reason}${problem.path === "" ? "" : ` (${problem.path})`}`,
    );
  return item;
};

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
 * The identity of a key (exactly the schema's attributes, non-empty S/N/B, of the declared types
 * when `types` is given); ValidationException otherwise.
 * @example keyIdOf({ partitionKey: "id" }, { id: { N: "01" } }, "t") === keyIdOf({ partitionKey: "id" }, { id: { N: "1" } }, "t")
 */
export const keyIdOf = (
  schema: KeySchema,
  key: AttributeMap,
  table: string,
  types?: KeyTypes,
): string => {
  const expected = schema.sortKey === undefined ? 1 : 2;
  const projected = keyOf(key, schema);
  if (projected === undefined || Object.keys(key).length !== expected)
    throw new InMemoryServiceError(
      "ValidationException",
      `The provided key element does not match the schema of table ${table}`,
    );
  for (const [name, value] of Object.entries(projected)) {
    const valid =
      ("S" in value && value.S !== "") || "N" in value || ("B" in value && value.B !== "");
    if (!valid)
      throw new InMemoryServiceError(
        "ValidationException",
        `One or more parameter values are not valid: key attribute ${name} of table ${table} must be a non-empty S, N or B`,
      );
    const expectedType = types?.[name];
    if (expectedType !== undefined && !(expectedType in value))
      throw new InMemoryServiceError(
        "ValidationException",
        `One or more parameter values were invalid: Type mismatch for key ${name} expected: ${expectedType} actual: ${Object.keys(value)[0]}`,
      );
  }
  return canonicalKey(normalizeItem(projected));
};
