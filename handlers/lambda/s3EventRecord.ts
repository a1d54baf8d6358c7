import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type InvalidRecord, invalidRecord } from "../../domain/errors.js";

/**
 * An S3 ObjectCreated notification, as far as loading the object needs it.
 * @example const created: CreatedObject = { bucket: "uploads", encodedKey: "m%C3%A1s+datos.csv" };
 */
export interface CreatedObject {
  readonly bucket: string;
  /** The key as the notification carries it: URL-encoded, `+` for a space. */
  readonly encodedKey: string;
  readonly versionId?: string;
  /** `s3.object.sequencer`: orders the events of one key (domain/objectSequence.ts). */
  readonly sequencer?: string;
}

const Named = t.type({ eventName: t.string });
const Created = t.type({
  s3: t.type({
    bucket: t.type({ name: t.string }),
    object: t.type({ key: t.string }),
  }),
});

const fieldOf = (errors: t.Errors): string =>
  errors[0]?.context
    .map((entry) => entry.key)
    .filter((key) => key !== "")
    .join(".") || "$";

/**
 * Reads one record of an S3 event notification: `right(undefined)` for an event that is not an
 * ObjectCreated one (removals, restores: nothing to load), the object for ObjectCreated, or an
 * {@link InvalidRecord} naming the record (`s3://bucket/key`, else its position `#i`) and the
 * field, for a record that is not a readable notification.
 * @example decodeS3EventRecord(event.Records[0], 0) // right({ bucket: "uploads", encodedKey: "a+b.csv" })
 */
export const decodeS3EventRecord = (
  raw: unknown,
  index: number,
): E.Either<InvalidRecord, CreatedObject | undefined> => {
  const position = `#${index}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return E.left(invalidRecord(position, "$", "not an S3 event record"));
  const named = Named.decode(raw);
  if (E.isLeft(named))
    return E.left(invalidRecord(position, "eventName", "missing or not a string"));
  if (!named.right.eventName.startsWith("ObjectCreated:")) return E.right(undefined);
  const created = Created.decode(raw);
  if (E.isLeft(created))
    return E.left(invalidRecord(position, fieldOf(created.left), "missing or of the wrong type"));
  const { bucket, object } = created.right.s3;
  if (bucket.name === "") return E.left(invalidRecord(position, "s3.bucket.name", "is empty"));
  if (object.key === "") return E.left(invalidRecord(position, "s3.object.key", "is empty"));
  const versionId = (object as { versionId?: unknown }).versionId;
  if (versionId !== undefined && versionId !== null && typeof versionId !== "string")
    return E.left(
      invalidRecord(`s3://${bucket.name}/${object.key}`, "s3.object.versionId", "not a string"),
    );
  const sequencer = (object as { sequencer?: unknown }).sequencer;
  if (sequencer !== undefined && sequencer !== null && typeof sequencer !== "string")
    return E.left(
      invalidRecord(`s3://${bucket.name}/${object.key}`, "s3.object.sequencer", "not a string"),
    );
  return E.right({
    bucket: bucket.name,
    encodedKey: object.key,
    ...(typeof versionId === "string" && versionId !== "" ? { versionId } : {}),
    ...(typeof sequencer === "string" && sequencer !== "" ? { sequencer } : {}),
  });
};
