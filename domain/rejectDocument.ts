import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type InvalidRecord, invalidRecord } from "./errors.js";

/** The `format` field of every reject document. */
export const REJECT_FORMAT = "dynamodb-pipelines/reject";
/** The `version` field this library writes and reads. */
export const REJECT_FORMAT_VERSION = 1;

/**
 * One rejected record, as written to a reject destination (docs/rejects.md): what rejected it,
 * why, when, and the record EXACTLY as the entry point received it (`original`: the SQS
 * record, the DynamoDB stream record, the Kinesis record, the S3 event record, or the CSV row's
 * cells), so a replay tool can feed it back after a fix.
 */
export interface RejectDocument {
  readonly format: typeof REJECT_FORMAT;
  readonly version: typeof REJECT_FORMAT_VERSION;
  /** `queueToTable`, `streamToQueue`, `streamToGlue`, `streamAggregate`, `kinesisToTable`, `csvToQueue`. */
  readonly entryPoint: string;
  /** The record id (SQS messageId, stream eventID, Kinesis eventID, `s3://bucket/key?…#Ln`). */
  readonly recordId: string;
  /** The field at fault (`"$"`: the record as a whole). */
  readonly field: string;
  readonly reason: string;
  /** When the record was rejected, ISO 8601 UTC. */
  readonly rejectedAt: string;
  /** What else identifies the record in its source (keys, sequence number, bucket, line…). */
  readonly identity: Readonly<Record<string, unknown>>;
  /** The record as delivered; absent only when the entry point never had one. */
  readonly original?: unknown;
}

const Codec = t.intersection([
  t.type({
    format: t.literal(REJECT_FORMAT),
    version: t.literal(REJECT_FORMAT_VERSION),
    entryPoint: t.string,
    recordId: t.string,
    field: t.string,
    reason: t.string,
    rejectedAt: t.string,
    identity: t.UnknownRecord,
  }),
  t.partial({ original: t.unknown }),
]);

/**
 * The document of one reject.
 * @example rejectDocument("queueToTable", invalidRecord("m-1", "$", "not JSON"), { messageId: "m-1" }, sqsRecord, "2026-01-01T00:00:00.000Z")
 */
export const rejectDocument = (
  entryPoint: string,
  error: InvalidRecord,
  identity: Readonly<Record<string, unknown>>,
  original: unknown,
  rejectedAt: string,
): RejectDocument => ({
  format: REJECT_FORMAT,
  version: REJECT_FORMAT_VERSION,
  entryPoint,
  recordId: error.recordId,
  field: error.field,
  reason: error.reason,
  rejectedAt,
  identity,
  ...(original === undefined ? {} : { original }),
});

/**
 * A document as JSON text. Never throws: a part that cannot be serialized (hostile input nested
 * thousands deep overflows JSON.stringify) is replaced by a sentence saying so.
 * @example encodeRejectDocument(document) // '{"format":"dynamodb-pipelines/reject","version":1,…}'
 */
export const encodeRejectDocument = (document: RejectDocument): string => {
  try {
    return JSON.stringify(document);
  } catch (error) {
    const note = `not serializable (${error instanceof Error ? error.message : String(error)})`;
    try {
      return JSON.stringify({ ...document, original: note });
    } catch {
      return JSON.stringify({ ...document, identity: { note }, original: note });
    }
  }
};

/**
 * Reads a reject document back (a replay tool's first step): the JSON text, checked field by
 * field; the left names the field at fault.
 * @example decodeRejectDocument(encodeRejectDocument(document)) // right(document)
 */
export const decodeRejectDocument = (text: string): E.Either<InvalidRecord, RejectDocument> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return E.left(invalidRecord("reject", "$", `not JSON (${(error as Error).message})`));
  }
  const decoded = Codec.decode(json);
  if (E.isRight(decoded)) return E.right(decoded.right as RejectDocument);
  const path = decoded.left[0]?.context
    .map((entry) => entry.key)
    .filter((key) => key !== "" && !/^\d+$/.test(key))
    .join(".");
  return E.left(invalidRecord("reject", path || "$", "missing or of the wrong type"));
};
