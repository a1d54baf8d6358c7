import {
  type AttributeMap,
  attributeType,
  attributeValueSize,
  itemSize,
  type KeySchema,
  MAX_ITEM_BYTES,
} from "./attributeValue.js";
import { isDynamoNumber, normalizeNumber } from "./decimal.js";

/**
 * Deep validation of DynamoDB JSON as DynamoDB itself would accept it. Every check returns the
 * path of the FIRST bad attribute (`address.lines[2]`) and a reason, or `undefined` when valid.
 */

/** The first attribute DynamoDB would refuse, and why. */
export interface AttributeProblem {
  /** Path of the attribute: `name`, `address.city`, `lines[2]`, `["odd name"]`. */
  readonly path: string;
  readonly reason: string;
}

/** DynamoDB accepts documents nested up to 32 levels deep. */
export const MAX_NESTING_DEPTH = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PLAIN_NAME = /^[A-Za-z_$][\w$-]*$/;

/**
 * Whether a string is standard, padded base64 (how binary values travel in DynamoDB JSON).
 * @example isBase64("AAEC") // true
 */
export const isBase64 = (text: string): boolean => BASE64.test(text);

/**
 * The path of attribute `name` inside `parent` (`""` for the top level). Names that are not plain
 * identifiers are quoted: `a["x.y"]`.
 * @example attributePath("address", "city") // "address.city"
 */
export const attributePath = (parent: string, name: string): string => {
  if (!PLAIN_NAME.test(name)) return `${parent}[${JSON.stringify(name)}]`;
  return parent === "" ? name : `${parent}.${name}`;
};

/**
 * Prefixes a problem path with the field that holds the map: `commands[0].item` + `a.b`.
 * @example joinPath("commands[0].item", "lines[2]") // "commands[0].item.lines[2]"
 */
export const joinPath = (prefix: string, path: string): string => {
  if (prefix === "") return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
};

const problem = (path: string, reason: string): AttributeProblem => ({ path, reason });

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;

const checkSet = (
  values: unknown,
  path: string,
  tag: "SS" | "NS" | "BS",
  check: (element: unknown) => string | undefined,
  identity: (element: string) => string,
): AttributeProblem | undefined => {
  if (!Array.isArray(values))
    return problem(path, `${tag} must be an array, got ${describe(values)}`);
  if (values.length === 0) return problem(path, `${tag} must not be empty`);
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const reason = check(values[i]);
    if (reason !== undefined) return problem(`${path}[${i}]`, reason);
    const id = identity(values[i] as string);
    if (seen.has(id)) return problem(`${path}[${i}]`, `duplicate value in ${tag}`);
    seen.add(id);
  }
  return undefined;
};

const stringReason = (value: unknown): string | undefined =>
  typeof value === "string" ? undefined : `expected a string, got ${describe(value)}`;

const numberReason = (value: unknown): string | undefined => {
  if (typeof value !== "string") return `expected a number string, got ${describe(value)}`;
  return isDynamoNumber(value)
    ? undefined
    : `${JSON.stringify(value)} is not a DynamoDB number (syntax, ≤ 38 digits, 1E-130..1E+126)`;
};

const binaryReason = (value: unknown): string | undefined => {
  if (typeof value !== "string") return `expected a base64 string, got ${describe(value)}`;
  return isBase64(value) ? undefined : "not valid base64";
};

/**
 * Validates one attribute value: exactly one known type tag holding a value of the right type,
 * valid numbers and base64, non-empty sets without duplicates, lists and maps recursively.
 * @example validateAttributeValue({ N: "1e500" }, "price") // { path: "price", reason: "…" }
 */
export const validateAttributeValue = (
  value: unknown,
  path: string,
  depth = 1,
): AttributeProblem | undefined => {
  const tag = attributeType(value);
  if (tag === undefined) {
    const keys = isPlainObject(value) ? Object.keys(value) : [];
    return problem(
      path,
      keys.length === 0
        ? `expected an attribute value with one type tag, got ${describe(value)}`
        : `expected exactly one known type tag (S, N, B, BOOL, NULL, SS, NS, BS, L, M), got ${keys.join(", ")}`,
    );
  }
  const inner = (value as Record<string, unknown>)[tag];
  switch (tag) {
    case "S": {
      const reason = stringReason(inner);
      return reason === undefined ? undefined : problem(path, reason);
    }
    case "N": {
      const reason = numberReason(inner);
      return reason === undefined ? undefined : problem(path, reason);
    }
    case "B": {
      const reason = binaryReason(inner);
      return reason === undefined ? undefined : problem(path, reason);
    }
    case "BOOL":
      return typeof inner === "boolean"
        ? undefined
        : problem(path, `BOOL must be true or false, got ${describe(inner)}`);
    case "NULL":
      return inner === true ? undefined : problem(path, "NULL must be true");
    case "SS":
      return checkSet(inner, path, "SS", stringReason, (s) => s);
    case "NS":
      return checkSet(inner, path, "NS", numberReason, normalizeNumber);
    case "BS":
      return checkSet(inner, path, "BS", binaryReason, (s) => s);
    case "L": {
      if (!Array.isArray(inner)) return problem(path, `L must be an array, got ${describe(inner)}`);
      if (depth > MAX_NESTING_DEPTH)
        return problem(path, `nested deeper than ${MAX_NESTING_DEPTH} levels`);
      for (let i = 0; i < inner.length; i++) {
        const found = validateAttributeValue(inner[i], `${path}[${i}]`, depth + 1);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    case "M": {
      if (!isPlainObject(inner))
        return problem(path, `M must be an object, got ${describe(inner)}`);
      if (depth > MAX_NESTING_DEPTH)
        return problem(path, `nested deeper than ${MAX_NESTING_DEPTH} levels`);
      return validateMapEntries(inner, path, depth + 1);
    }
  }
};

const validateMapEntries = (
  map: Record<string, unknown>,
  path: string,
  depth: number,
): AttributeProblem | undefined => {
  for (const name of Object.keys(map)) {
    const found = validateAttributeValue(map[name], attributePath(path, name), depth);
    if (found !== undefined) return found;
  }
  return undefined;
};

/**
 * Validates a map of attributes (an item, a key, an image) value by value. Attribute names must
 * be non-empty.
 * @example validateAttributeMap({ tags: { SS: [] } }) // { path: "tags", reason: "SS must not be empty" }
 */
export const validateAttributeMap = (map: unknown): AttributeProblem | undefined => {
  if (!isPlainObject(map))
    return problem("", `expected an object of attributes, got ${describe(map)}`);
  if (Object.hasOwn(map, "")) return problem('[""]', "attribute names must not be empty");
  return validateMapEntries(map, "", 1);
};

/**
 * Validates a whole item: every attribute, then DynamoDB's 400 KB item size limit.
 * @example validateItem({ id: { S: "a" }, n: { N: "x" } }) // { path: "n", reason: "…" }
 */
export const validateItem = (item: unknown): AttributeProblem | undefined => {
  const found = validateAttributeMap(item);
  if (found !== undefined) return found;
  const size = itemSize(item as AttributeMap);
  return size > MAX_ITEM_BYTES
    ? problem("", `item of ${size} bytes exceeds the ${MAX_ITEM_BYTES}-byte limit`)
    : undefined;
};

const keyNames = (schema: KeySchema): ReadonlyArray<string> =>
  schema.sortKey === undefined ? [schema.partitionKey] : [schema.partitionKey, schema.sortKey];

/** DynamoDB's limits on key values: 2048 bytes for a partition key, 1024 for a sort key. */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/**
 * Checks the key attributes of an (already validated) item or key: present, of type S, N or B,
 * S/B non-empty and within DynamoDB's key size limits (2048 bytes partition, 1024 sort).
 * @example validateKeyAttributes({ id: { S: "" } }, { partitionKey: "id" }) // { path: "id", … }
 */
export const validateKeyAttributes = (
  map: AttributeMap,
  schema: KeySchema,
): AttributeProblem | undefined => {
  for (const name of keyNames(schema)) {
    const path = attributePath("", name);
    const value = Object.hasOwn(map, name) ? map[name] : undefined;
    if (value === undefined) return problem(path, "key attribute is missing");
    if ("S" in value || "B" in value) {
      if (("S" in value ? value.S : value.B) === "")
        return problem(path, "key attribute must not be empty");
      const limit = name === schema.partitionKey ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES;
      const size = attributeValueSize(value);
      if (size > limit)
        return problem(
          path,
          `key attribute of ${size} bytes exceeds DynamoDB's ${limit}-byte limit`,
        );
    } else if (!("N" in value))
      return problem(path, `key attribute must be of type S, N or B, got ${attributeType(value)}`);
  }
  return undefined;
};

/**
 * Validates a key: a valid attribute map holding exactly the schema's key attributes, each a
 * non-empty S, an N or a non-empty B.
 * @example validateKey({ id: { N: "1" } }, { partitionKey: "id" }) // undefined
 */
export const validateKey = (key: unknown, schema: KeySchema): AttributeProblem | undefined => {
  const found = validateAttributeMap(key);
  if (found !== undefined) return found;
  const names = keyNames(schema);
  const extra = Object.keys(key as object).find((name) => !names.includes(name));
  if (extra !== undefined)
    return problem(attributePath("", extra), "not a key attribute of the table");
  return validateKeyAttributes(key as AttributeMap, schema);
};
