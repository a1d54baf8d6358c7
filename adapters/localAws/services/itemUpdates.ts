import { type AttributeMap, itemSize, MAX_ITEM_BYTES } from "../../../domain/attributeValue.js";
import { addNumbers } from "../../../domain/decimal.js";
import type { ItemUpdate } from "./dynamoDbExpressions.js";
import { checkedItem, checkedNumber, normalizeItem } from "./itemRules.js";
import { InMemoryServiceError } from "./serviceError.js";

/**
 * The item an UpdateItem (or a transaction's Update) leaves: `update`'s ADD, SET and REMOVE
 * applied to `old` (or to the bare key when the item is absent), checked as DynamoDB checks it.
 * Throws the `ValidationException` DynamoDB answers when the update touches a key attribute,
 * names one attribute twice, ADDs to a non-number, leaves a number beyond 38 digits, or makes
 * the item larger than 400 KB; nothing is changed then.
 *
 * @example
 * updatedItem(undefined, { pk: { S: "a" } }, { add: [{ attribute: "n", delta: "2" }], set: [], remove: [] })
 * // { pk: { S: "a" }, n: { N: "2" } }
 */
export const updatedItem = (
  old: AttributeMap | undefined,
  key: AttributeMap,
  update: ItemUpdate,
): AttributeMap => {
  const keyNames = new Set(Object.keys(normalizeItem(key)));
  const touched = [
    ...update.add.map((a) => a.attribute),
    ...update.set.map((a) => a.attribute),
    ...update.remove,
  ];
  if (touched.some((name) => keyNames.has(name)))
    throw new InMemoryServiceError(
      "ValidationException",
      "Cannot update attribute: it is part of the key",
    );
  if (new Set(touched).size !== touched.length)
    throw new InMemoryServiceError(
      "ValidationException",
      "Two document paths overlap in the update expression",
    );
  const next: Record<string, AttributeMap[string]> = { ...(old ?? normalizeItem(key)) };
  for (const { attribute, delta } of update.add) {
    const current = next[attribute];
    if (current !== undefined && !("N" in current))
      throw new InMemoryServiceError(
        "ValidationException",
        `ADD on non-number attribute ${attribute}`,
      );
    next[attribute] = { N: checkedNumber(addNumbers(current?.N ?? "0", delta)) };
  }
  for (const { attribute, value } of update.set) next[attribute] = value;
  for (const attribute of update.remove) delete next[attribute];
  const item = normalizeItem(checkedItem(next));
  if (itemSize(item) > MAX_ITEM_BYTES)
    throw new InMemoryServiceError(
      "ValidationException",
      "Item size has exceeded the maximum allowed size",
    );
  return item;
};

/**
 * An update that ADDs one number to one attribute.
 * @example addUpdate("quantity", "3") // { add: [{ attribute: "quantity", delta: "3" }], set: [], remove: [] }
 */
export const addUpdate = (attribute: string, delta: string): ItemUpdate => ({
  add: [{ attribute, delta }],
  set: [],
  remove: [],
});
