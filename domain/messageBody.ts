import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import {
  type AttributeProblem,
  joinPath,
  validateAttributeMap,
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
import { isStreamArn } from "./streamOrigin.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The queue message format of the replication pipelines:
 * `{"v":1,"commands":[{"op":"put","key":{…},"item":{…},"source":"…","seq":"…","stream":"…"}]}`
 * (`seq` and `stream` only when the command comes from a DynamoDB stream; `seq` alone for a CSV
 * row: domain/objectSequence.ts).
 * A message may carry several commands. A bare DynamoDB-JSON image (what the naive seed sends)
 * is accepted too and becomes one put.
 */

/** Version written in the `v` field of every message. */
export const MESSAGE_FORMAT_VERSION = 1;

const Envelope = t.type({ v: t.number, commands: t.array(t.unknown) });
const Op = t.type({ op: t.keyof({ put: null, delete: null }) });
const Common = t.intersection([
  t.type({ key: t.UnknownRecord, source: t.string }),
  t.partial({ seq: t.string, stream: t.string }),
]);
/** A put's `key` is optional: the item's key attributes under the table's key schema decide. */
const Put = t.intersection([
  t.type({ source: t.string, item: t.UnknownRecord }),
  t.partial({ key: t.UnknownRecord, seq: t.string, stream: t.string }),
]);

const SEQUENCE = /^\d+$/;

/** What is wrong with a command's `seq` and `stream` (a stream orders nothing without a seq). */
const versionProblem = (
  at: string,
  seq: string | undefined,
  stream: string | undefined,
): { readonly field: string; readonly reason: string } | undefined => {
  if (seq !== undefined && !SEQUENCE.test(seq))
    return { field: `${at}.seq`, reason: "expected a decimal sequence number" };
  if (stream === undefined) return undefined;
  if (!isStreamArn(stream))
    return {
      field: `${at}.stream`,
      reason: "expected a DynamoDB stream ARN (arn:…:table/<name>/stream/<ISO 8601 label>)",
    };
  return seq === undefined
    ? {
        field: `${at}.seq`,
        reason: "missing: a command carrying a stream needs its sequence number",
      }
    : undefined;
};

const fieldOf = (errors: t.Errors): string => {
  const path = errors[0]?.context
    .map((entry) => entry.key)
    .filter((key) => key !== "" && !/^\d+$/.test(key));
  return path && path.length > 0 ? path.join(".") : "";
};

const toJson = (command: WriteCommand): Record<string, unknown> => ({
  op: command.op,
  // A put without key attributes travels as an item: the reader keys it by its table.
  ...(command.op === "put" && Object.keys(command.key).length === 0 ? {} : { key: command.key }),
  ...(command.op === "put" ? { item: command.item } : {}),
  source: command.source,
  ...(command.seq === undefined ? {} : { seq: command.seq }),
  ...(command.stream === undefined ? {} : { stream: command.stream }),
});

/** `{"op":"delete","key":,"source":,"seq":,"stream":}` and the quotes around `op`'s value. */
const COMMAND_OVERHEAD_BYTES = 58;

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
  (command.seq === undefined ? 0 : jsonBytesBound(command.seq)) +
  (command.stream === undefined ? 0 : jsonBytesBound(command.stream));

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

/** Whether every attribute of a carried key has the same value in the item. */
const agreesWithItem = (key: AttributeMap, item: AttributeMap): boolean =>
  Object.entries(key).every(([name, value]) => {
    const own = Object.hasOwn(item, name) ? item[name] : undefined;
    return (
      own !== undefined &&
      canonicalKey(normalizeKey({ [name]: own })) === canonicalKey(normalizeKey({ [name]: value }))
    );
  });

const decodePut = (at: string, raw: unknown, schema: KeySchema): Decoded => {
  const decoded = Put.decode(raw);
  if (E.isLeft(decoded))
    return E.left({
      field: joinPath(at, fieldOf(decoded.left)),
      reason: "missing or of the wrong type",
    });
  const { key, item, source, seq, stream } = decoded.right;
  const badVersion = versionProblem(at, seq, stream);
  if (badVersion !== undefined) return E.left(badVersion);
  const badItem = validateItem(item) ?? validateKeyAttributes(item as AttributeMap, schema);
  if (badItem !== undefined) return E.left(fromProblem(`${at}.item`, badItem));
  if (key !== undefined) {
    const badKey = validateAttributeMap(key);
    if (badKey !== undefined) return E.left(fromProblem(`${at}.key`, badKey));
    if (!agreesWithItem(key as AttributeMap, item as AttributeMap))
      return E.left({ field: `${at}.key`, reason: "does not match the attributes of the item" });
  }
  return E.right({
    op: "put",
    key: normalizeKey(keyOf(item as AttributeMap, schema) as AttributeMap),
    item: item as AttributeMap,
    source,
    ...(seq === undefined ? {} : { seq }),
    ...(stream === undefined ? {} : { stream }),
  });
};

const decodeCommand = (raw: unknown, index: number, schema: KeySchema): Decoded => {
  const at = `commands[${index}]`;
  const op = Op.decode(raw);
  if (E.isLeft(op)) return E.left({ field: `${at}.op`, reason: 'expected "put" or "delete"' });
  if (op.right.op === "put") return decodePut(at, raw, schema);
  const decoded = Common.decode(raw);
  if (E.isLeft(decoded))
    return E.left({
      field: joinPath(at, fieldOf(decoded.left)),
      reason: "missing or of the wrong type",
    });
  const { key, source, seq, stream } = decoded.right;
  const badVersion = versionProblem(at, seq, stream);
  if (badVersion !== undefined) return E.left(badVersion);
  const badKey = validateKey(key, schema);
  if (badKey !== undefined) return E.left(fromProblem(`${at}.key`, badKey));
  return E.right({
    op: "delete",
    key: normalizeKey(key as AttributeMap),
    source,
    ...(seq === undefined ? {} : { seq }),
    ...(stream === undefined ? {} : { stream }),
  });
};

/** A command's `source` when it has a usable one (it names the rejected command). */
const sourceOf = (raw: unknown): string | undefined => {
  const source =
    typeof raw === "object" && raw !== null && Object.hasOwn(raw, "source")
      ? (raw as { source: unknown }).source
      : undefined;
  return typeof source === "string" && source !== "" ? source : undefined;
};

/**
 * What one message carries: the commands that can be applied, and the commands that never can
 * (each an `InvalidRecord` naming the message id and the field, `commands[i].…`, with the
 * command's `source` when it has one). A bad command is rejected alone: its message-mates are
 * applied.
 * @example const contents: MessageContents = { commands: [put], rejected: [] };
 */
export interface MessageContents {
  readonly commands: ReadonlyArray<WriteCommand>;
  readonly rejected: ReadonlyArray<{ readonly error: InvalidRecord; readonly source?: string }>;
}

const decodeEnvelope = (
  messageId: string,
  json: Record<string, unknown>,
  schema: KeySchema,
): E.Either<InvalidRecord, MessageContents> => {
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
  const rejected: { error: InvalidRecord; source?: string }[] = [];
  for (const [index, raw] of envelope.right.commands.entries()) {
    const command = decodeCommand(raw, index, schema);
    if (E.isLeft(command)) {
      const source = sourceOf(raw);
      const error = invalidRecord(messageId, command.left.field, command.left.reason);
      rejected.push(source === undefined ? { error } : { error, source });
    } else commands.push(command.right);
  }
  return E.right({ commands, rejected });
};

const decodeBareImage = (
  messageId: string,
  json: Record<string, unknown>,
  schema: KeySchema,
): E.Either<InvalidRecord, MessageContents> => {
  const bad = validateItem(json) ?? validateKeyAttributes(json as AttributeMap, schema);
  if (bad !== undefined) return E.left(invalidRecord(messageId, bad.path || "$", bad.reason));
  const item = json as AttributeMap;
  const key = normalizeKey(keyOf(item, schema) as AttributeMap);
  return E.right({ commands: [{ op: "put", key, item, source: messageId }], rejected: [] });
};

/**
 * Decodes a queue message body into the commands it carries, keyed by the TABLE's key schema:
 * a put's key is the item's key attributes under `schema` (a key carried in the message, as
 * older senders write it, must agree with the item but may name other attributes, e.g. a
 * CSV's first column); deletes carry exactly the table's key. Left when the message as a whole
 * cannot be read (not JSON, not an envelope, unknown version, or a bare image that cannot be
 * keyed); a bad command is rejected alone (`rejected`), its message-mates decoded.
 *
 * @example decodeMessage("m-1", '{"v":1,"commands":[{"op":"put","item":{"id":{"S":"a"}},"source":"r1"}]}', { partitionKey: "id" })
 * // right({ commands: [{ op: "put", key: { id: { S: "a" } }, item: { id: { S: "a" } }, source: "r1" }], rejected: [] })
 */
export const decodeMessage = (
  messageId: string,
  body: string,
  schema: KeySchema,
): E.Either<InvalidRecord, MessageContents> => {
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

/**
 * Decodes a queue message body, strictly: like {@link decodeMessage}, but the first bad command
 * makes the whole message a left (for callers that need all or nothing).
 *
 * @example decodeMessageBody("m-1", '{"id":{"S":"a"}}', { partitionKey: "id" })
 * // right([{ op: "put", key: { id: { S: "a" } }, item: { id: { S: "a" } }, source: "m-1" }])
 */
export const decodeMessageBody = (
  messageId: string,
  body: string,
  schema: KeySchema,
): E.Either<InvalidRecord, ReadonlyArray<WriteCommand>> =>
  E.flatMap((contents: MessageContents) => {
    const [first] = contents.rejected;
    return first === undefined ? E.right(contents.commands) : E.left(first.error);
  })(decodeMessage(messageId, body, schema));
