import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";

/**
 * Conversions between our DynamoDB JSON (binary as base64 strings) and the AWS SDK v3's
 * `AttributeValue` (binary as `Uint8Array`), recursively through lists and maps. Maps are built
 * with `Object.fromEntries`, so a `__proto__` attribute stays an ordinary attribute.
 */

/** An item as the SDK's DynamoDB client takes and returns it. */
export type SdkItem = Record<string, SdkAttributeValue>;

const toBytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, "base64"));
const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/**
 * One value in the SDK's shape.
 * @example toSdkValue({ B: "AAE=" }) // { B: Uint8Array [0, 1] }
 */
export const toSdkValue = (value: AttributeValue): SdkAttributeValue => {
  if ("S" in value) return { S: value.S };
  if ("N" in value) return { N: value.N };
  if ("B" in value) return { B: toBytes(value.B) };
  if ("BOOL" in value) return { BOOL: value.BOOL };
  if ("NULL" in value) return { NULL: value.NULL };
  if ("SS" in value) return { SS: [...value.SS] };
  if ("NS" in value) return { NS: [...value.NS] };
  if ("BS" in value) return { BS: value.BS.map(toBytes) };
  if ("L" in value) return { L: value.L.map(toSdkValue) };
  return { M: toSdkItem(value.M) };
};

/**
 * An item (or key) in the SDK's shape.
 * @example toSdkItem({ id: { S: "a" }, blob: { B: "AAE=" } })
 */
export const toSdkItem = (item: AttributeMap): SdkItem =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toSdkValue(value)]));

/**
 * One SDK value back in our shape. Throws on a value of an unknown type (`$unknown`).
 * @example fromSdkValue({ B: new Uint8Array([0, 1]) }) // { B: "AAE=" }
 */
export const fromSdkValue = (value: SdkAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: true };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.L !== undefined) return { L: value.L.map(fromSdkValue) };
  if (value.M !== undefined) return { M: fromSdkItem(value.M) };
  throw new TypeError(`unknown DynamoDB attribute type: ${Object.keys(value).join(", ")}`);
};

/**
 * An SDK item (or key) back in our shape.
 * @example fromSdkItem({ id: { S: "a" } }) // { id: { S: "a" } }
 */
export const fromSdkItem = (item: Readonly<SdkItem>): AttributeMap =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, fromSdkValue(value)]));
