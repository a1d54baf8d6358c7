import * as E from "fp-ts/lib/Either.js";
import { MAX_NESTING_DEPTH, validateAttributeValue } from "./attributeValidation.js";
import type { AttributeValue } from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { parseJsonAttribute } from "./jsonAttribute.js";

/**
 * How an event's payload is stored in `data`: `json` (its JSON value in DynamoDB JSON: `M` for
 * an object, `L`, `S`, `N`, `BOOL` or `NULL` otherwise), `text` (`S`: UTF-8 that is not JSON,
 * exactly as sent) or `binary` (`B`: bytes that are not UTF-8, as sent).
 * @example const format: DataFormat = "text";
 */
export type DataFormat = "json" | "text" | "binary";

/**
 * A decoded payload: the `data` attribute and what it holds.
 * @example const payload: EventPayload = { data: { S: "temperature=22.5" }, dataFormat: "text" };
 */
export interface EventPayload {
  readonly data: AttributeValue;
  readonly dataFormat: DataFormat;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict base64 (padded, no whitespace) → bytes, or `undefined` when the text is not base64.
 * @example base64Bytes("AQI=") // Uint8Array [1, 2]
 */
export const base64Bytes = (text: string): Uint8Array | undefined => {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

/** Bytes → the exact UTF-8 text (a byte order mark kept), or `undefined` when not UTF-8. */
const utf8Text = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** The JSON value of a text (a leading BOM ignored) when DynamoDB can hold it as it is. */
const jsonValue = (text: string): AttributeValue | undefined => {
  const parsed = parseJsonAttribute(text.replace(/^\uFEFF/, ""), MAX_NESTING_DEPTH);
  if (E.isLeft(parsed)) return undefined;
  return validateAttributeValue(parsed.right, "") === undefined ? parsed.right : undefined;
};

/**
 * Decodes the payload of a Kinesis record (`data`, base64 as Lambda delivers it) into what the
 * event log stores, never refusing a payload for its content: UTF-8 holding a JSON value
 * DynamoDB can store → `json` (numbers keep every digit as written, domain/jsonAttribute.ts);
 * any other UTF-8 (plain text, an empty payload, JSON with a number beyond DynamoDB's 38 digits
 * or ±1E+126, or nested deeper than its 32 levels) → `text`, the exact characters; bytes that
 * are not UTF-8 → `binary`, the exact bytes. The only error is a `data` that is not base64
 * (Lambda always encodes it: such a record is malformed), with field `kinesis.data`.
 * @example decodePayload("evt-1", "eyJhIjoxfQ==") // right({ data: { M: { a: { N: "1" } } }, dataFormat: "json" })
 */
export const decodePayload = (
  recordId: string,
  data: string,
): E.Either<InvalidRecord, EventPayload> => {
  const bytes = base64Bytes(data);
  if (bytes === undefined)
    return E.left(invalidRecord(recordId, "kinesis.data", "not valid base64"));
  const text = utf8Text(bytes);
  if (text === undefined) return E.right({ data: { B: data }, dataFormat: "binary" });
  const json = jsonValue(text);
  return E.right(
    json === undefined
      ? { data: { S: text }, dataFormat: "text" }
      : { data: json, dataFormat: "json" },
  );
};
