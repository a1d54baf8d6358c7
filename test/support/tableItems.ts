import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";

/**
 * Items of the TableWriter contract's table (`pk` S, `sk` N), and how to compare them.
 */

/**
 * The key `{ pk: S, sk: N }`.
 * @example contractKey("a", 1) // { pk: { S: "a" }, sk: { N: "1" } }
 */
export const contractKey = (pk: string, sk: number | string): AttributeMap => ({
  pk: { S: pk },
  sk: { N: String(sk) },
});

/**
 * An item of that key, with extra attributes.
 * @example contractItem("a", 1, { n: { N: "2" } })
 */
export const contractItem = (
  pk: string,
  sk: number | string,
  extra: AttributeMap = {},
): AttributeMap => ({ ...contractKey(pk, sk), ...extra });

/**
 * An item of exactly `bytes` bytes by DynamoDB's size rules (a one-digit `sk` and a map holding
 * one string, so the map's overhead counts too).
 * @example itemSize(itemOfSize("b", 4, 409_601)) // 409601
 */
export const itemOfSize = (pk: string, sk: number, bytes: number): AttributeMap => {
  // "pk" (2) + pk value + "sk" (2) + a one-digit number (2) + "m" (1) + map (3) + entry (1) + "s" (1)
  const overhead = 2 + pk.length + 2 + 2 + 1 + 3 + 1 + 1;
  return contractItem(pk, sk, { m: { M: { s: { S: "x".repeat(bytes - overhead) } } } });
};

const unordered = (value: AttributeValue): AttributeValue => {
  if ("SS" in value) return { SS: [...value.SS].sort() };
  if ("NS" in value) return { NS: [...value.NS].sort() };
  if ("BS" in value) return { BS: [...value.BS].sort() };
  if ("L" in value) return { L: value.L.map(unordered) };
  if ("M" in value) return { M: unorderedMap(value.M) };
  return value;
};

const unorderedMap = (map: AttributeMap): AttributeMap =>
  Object.fromEntries(Object.entries(map).map(([name, value]) => [name, unordered(value)]));

/**
 * The item with every set sorted: sets are unordered in DynamoDB, so compare them this way.
 * @example expect(unorderedItem(await get(key))).toEqual(unorderedItem(expected))
 */
export const unorderedItem = (map: AttributeMap | undefined): AttributeMap | undefined =>
  map === undefined ? undefined : unorderedMap(map);
