import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import {
  type AttributeProblem,
  joinPath,
  validateItem,
  validateKey,
  validateKeyAttributes,
} from "./attributeValidation.js";
import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  type KeySchema,
  keyOf,
} from "./attributeValue.js";
import { normalizeNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { jsonBytesBound } from "./jsonBytesBound.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The queue message format of the replication pipelines:
 * `{"v":1,"commands":[{"op":"put","key":{…},"item":{…},"source":"…","seq":"…"}]}`.
 * A message may carry several commands. A bare DynamoDB-JSON image (what the naive seed sends)
 * is accepted too and becomes one put.
 */

/** Version written in the `v` field of every message. */
export const MESSAGE_FORMAT_VERSION = 1;

const Envelope = t.type({ v: t.number, commands: t.array(t.unknown) });
const Op = t.type({ op: t.keyof({ put: null, delete: null }) });
const Common = t.intersection([
  t.type({ key: t.UnknownRecord, source: t.string }),
  t.partial({ seq: t.string }),
]);
const Put = t.intersection([Common, t.type({ item: t.UnknownRecord })]);

const SEQUENCE = /^\d+$/;

const fieldOf = (errors: t.Errors): string => {
  const path = errors[0]?.context
    .map((entry) => entry.key)
    .filter((key) => key !== "" && !/^\d+$/.test(key));
  return path && path.length > 0 ? path.join(".") : "";
};

const toJson = (command: WriteCommand): Record<string, unknown> => ({
  op: command.op,
  key: command.key,
  ...(command.op === "put" ? { item: command.item } : {}),
  source: command.source,
  ...(command.seq === undefined ? {} : { seq: command.seq }),
});

/** `{"op":"delete","key":,"source":,"seq":}` and the quotes around `op`'s value. */
const COMMAND_OVERHEAD_BYTES = 48;

/**
 * An upper bound of the UTF-8 size of one command in a message body (commas excluded), without
 * encoding it: `jsonBytesBound` of its parts. Lets a sender pack commands into messages and
 * encode each message once (bench/csvLoad.ts: ≈ 1.5× faster than encoding row by row).
 * @example commandBytesBound(command) // ≥ the bytes `command` adds to a message body
 */
export const commandBytesBound = (command: WriteCommand): number =>
  COMMAND_OVERHEAD_BYTES +
  jsonBytesBound(command.key) +
  (command.op === "put" ? jsonBytesBound(command.item) : 0) +
  jsonBytesBound(command.source) +
  (command.seq === undefined ? 0 : jsonBytesBound(command.seq));

/**
 * Encodes commands as one message body (the `v: 1` envelope).
 * @example encodeMessageBody([{ op: "delete", key: { id: { S: "a" } }, source: "e1", seq: "7" }])
 * // '{"v":1,"commands":[{"op":"delete","key":{"id":{"S":"a"}},"source":"e1","seq":"7"}]}'
 */
export const encodeMessageBody = (commands: ReadonlyArray<WriteCommand>): string =>
  JSON.stringify({ v: MESSAGE_FORMAT_VERSION, commands: commands.map(toJson) });

/** Keys with numbers in canonical form, so `{N:"1.0"}` and `{N:"1"}` name the same item. */
const normalizeKey = (key: AttributeMap): AttributeMap =>
  Object.fromEntries(
    Object.entries(key).map(([name, v]): [string, AttributeValue] => [
      name,
      "N" in v ? { N: normalizeNumber(v.N) } : v,
    ]),
  );

type Decoded = E.Either<{ readonly field: string; readonly reason: string }, WriteCommand>;

const fromProblem = (prefix: string, found: AttributeProblem) => ({
  field: joinPath(prefix, found.path) || "$",
  reason: found.reason,
});

const decodeCommand = (raw: unknown, index: number, schema: KeySchema): Decoded => {
  const at = `commands[${index}]`;
  const op = Op.decode(raw);
  if (E.isLeft(op)) return E.left({ field: `${at}.op`, reason: 'expected "put" or "delete"' });
  const decoded = op.right.op === "put" ? Put.decode(raw) : Common.decode(raw);
  if (E.isLeft(decoded))
    return E.left({
      field: joinPath(at, fieldOf(decoded.left)),
      reason: "missing or of the wrong type",
    });
  const { key, source, seq } = decoded.right;
  if (seq !== undefined && !SEQUENCE.test(seq))
    return E.left({ field: `${at}.seq`, reason: "expected a decimal sequence number" });
  const badKey = validateKey(key, schema);
  if (badKey !== undefined) return E.left(fromProblem(`${at}.key`, badKey));
  const common = {
    key: normalizeKey(key as AttributeMap),
    source,
    ...(seq === undefined ? {} : { seq }),
  };
  if (op.right.op === "delete") return E.right({ op: "delete", ...common });
  const item = (decoded.right as unknown as { item: Record<string, unknown> }).item;
  const badItem = validateItem(item);
  if (badItem !== undefined) return E.left(fromProblem(`${at}.item`, badItem));
  const itemKey = keyOf(item as AttributeMap, schema);
  if (itemKey === undefined || canonicalKey(normalizeKey(itemKey)) !== canonicalKey(common.key))
    return E.left({ field: `${at}.key`, reason: "does not match the key attributes of the item" });
  return E.right({ op: "put", ...common, item: item as AttributeMap });
};

const decodeEnvelope = (
  messageId: string,
  json: Record<string, unknown>,
  schema: KeySchema,
): E.Either<InvalidRecord, ReadonlyArray<WriteCommand>> => {
  const envelope = Envelope.decode(json);
  if (E.isLeft(envelope))
    return E.left(
      invalidRecord(messageId, fieldOf(envelope.left) || "$", "missing or of the wrong type"),
    );
  if (envelope.right.v !== MESSAGE_FORMAT_VERSION)
    return E.left(
      invalidRecord(messageId, "v", `unsupported message format version ${envelope.right.v}`),
    );
  const commands: WriteCommand[] = [];
  for (const [index, raw] of envelope.right.commands.entries()) {
    const command = decodeCommand(raw, index, schema);
    if (E.isLeft(command))
      return E.left(invalidRecord(messageId, command.left.field, command.left.reason));
    commands.push(command.right);
  }
  return E.right(commands);
};

const decodeBareImage = (
  messageId: string,
  json: Record<string, unknown>,
  schema: KeySchema,
): E.Either<InvalidRecord, ReadonlyArray<WriteCommand>> => {
  const bad = validateItem(json) ?? validateKeyAttributes(json as AttributeMap, schema);
  if (bad !== undefined) return E.left(invalidRecord(messageId, bad.path || "$", bad.reason));
  const item = json as AttributeMap;
  const key = normalizeKey(keyOf(item, schema) as AttributeMap);
  return E.right([{ op: "put", key, item, source: messageId }]);
};

/**
 * Decodes a queue message body into the commands it carries. Accepts the `v: 1` envelope and, for
 * compatibility with the seed, a bare DynamoDB-JSON image (keyed with `schema`; the message id
 * becomes the command's source). Every attribute is validated as DynamoDB would; the error names
 * the message id and the field (`commands[0].item.address.lines[2]`, `"$"` when not JSON).
 *
 * @example decodeMessageBody("m-1", '{"id":{"S":"a"}}', { partitionKey: "id" })
 * // right([{ op: "put", key: { id: { S: "a" } }, item: { id: { S: "a" } }, source: "m-1" }])
 */
export const decodeMessageBody = (
  messageId: string,
  body: string,
  schema: KeySchema,
): E.Either<InvalidRecord, ReadonlyArray<WriteCommand>> => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return E.left(invalidRecord(messageId, "$", `not JSON (${(error as Error).message})`));
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return E.left(invalidRecord(messageId, "$", "expected a JSON object"));
  const record = json as Record<string, unknown>;
  return Object.hasOwn(record, "v") && typeof record.v === "number"
    ? decodeEnvelope(messageId, record, schema)
    : decodeBareImage(messageId, record, schema);
};
