import type { AttributeMap } from "../../domain/attributeValue.js";

/**
 * Raw DynamoDB stream records for the hostile catalogues of the three stream entry points
 * (streamToQueue, streamToGlue, streamAggregate): a well-formed record to start from, and the
 * malformed variants every stream decoder must refuse with the record and the field.
 */

/** The eventID and SequenceNumber every hostile stream record is delivered with. */
export const HOSTILE_EVENT = "evt-hostile";
export const HOSTILE_SEQUENCE = "200";

/** A raw stream record (as Lambda delivers it), hostile by default: eventID evt-hostile, seq 200. */
export const streamRecord = (
  eventName: string,
  images: {
    readonly keys: AttributeMap;
    readonly newImage?: AttributeMap;
    readonly oldImage?: AttributeMap;
  },
  ids: { readonly eventID?: string; readonly sequence?: string } = {},
): Record<string, unknown> => ({
  eventID: ids.eventID ?? HOSTILE_EVENT,
  eventName,
  eventVersion: "1.1",
  eventSource: "aws:dynamodb",
  awsRegion: "us-east-1",
  dynamodb: {
    ApproximateCreationDateTime: 1_700_000_000,
    Keys: images.keys,
    ...(images.newImage === undefined ? {} : { NewImage: images.newImage }),
    ...(images.oldImage === undefined ? {} : { OldImage: images.oldImage }),
    SequenceNumber: ids.sequence ?? HOSTILE_SEQUENCE,
    SizeBytes: 100,
    StreamViewType: "NEW_AND_OLD_IMAGES",
  },
});

/** The record with `dynamodb` fields replaced (`undefined` removes one). */
export const withDynamodb = (
  record: Record<string, unknown>,
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> => {
  const dynamodb: Record<string, unknown> = {
    ...(record.dynamodb as Record<string, unknown>),
    ...fields,
  };
  for (const [name, value] of Object.entries(fields))
    if (value === undefined) delete dynamodb[name];
  return { ...record, dynamodb };
};

/** The record with top-level fields replaced (`undefined` removes one). */
export const withFields = (
  record: Record<string, unknown>,
  fields: Readonly<Record<string, unknown>>,
): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...record, ...fields };
  for (const [name, value] of Object.entries(fields)) if (value === undefined) delete copy[name];
  return copy;
};

/** An envelope defect and the record id + field it must be reported with. */
export interface EnvelopeDefect {
  readonly name: string;
  readonly record: unknown;
  readonly recordId: string;
  readonly field: string;
}

/**
 * Records whose stream view type lacks the new image (KEYS_ONLY, OLD_IMAGE), built from `base` (a
 * valid INSERT): replication and aggregation must reject them naming `dynamodb.NewImage`; Glue,
 * which needs no image, accepts them. Images are not part of the envelope.
 */
export const missingNewImages = (base: Record<string, unknown>): ReadonlyArray<EnvelopeDefect> =>
  [
    ["NewImage missing on INSERT", withDynamodb(base, { NewImage: undefined })],
    [
      "NewImage missing on MODIFY",
      withDynamodb(withFields(base, { eventName: "MODIFY" }), { NewImage: undefined }),
    ],
  ].map(([name, record]) => ({
    name: name as string,
    record,
    recordId: HOSTILE_EVENT,
    field: "dynamodb.NewImage",
  }));

/**
 * Malformed envelopes, built from `base` (a valid INSERT): every stream entry point must reject
 * them naming the record (its eventID, else `sequence <n>`, else its position `#1`) and the field.
 */
export const envelopeDefects = (base: Record<string, unknown>): ReadonlyArray<EnvelopeDefect> => {
  const defect = (name: string, record: unknown, field: string, recordId = HOSTILE_EVENT) => ({
    name,
    record,
    recordId,
    field,
  });
  const bySequence = `sequence ${HOSTILE_SEQUENCE}`;
  return [
    defect("null record", null, "$", "#1"),
    defect("string record", "INSERT", "$", "#1"),
    defect("array record", [base], "$", "#1"),
    defect("number record", 42, "$", "#1"),
    defect("empty object", {}, "eventID", "#1"),
    defect("missing eventID", withFields(base, { eventID: undefined }), "eventID", bySequence),
    defect("eventID of the wrong type", withFields(base, { eventID: 7 }), "eventID", bySequence),
    defect("unknown eventName", withFields(base, { eventName: "UPSERT" }), "eventName"),
    defect("lower-case eventName", withFields(base, { eventName: "insert" }), "eventName"),
    defect("missing eventName", withFields(base, { eventName: undefined }), "eventName"),
    defect("missing dynamodb", withFields(base, { dynamodb: undefined }), "dynamodb"),
    defect("dynamodb null", withFields(base, { dynamodb: null }), "dynamodb"),
    defect("dynamodb a string", withFields(base, { dynamodb: "{}" }), "dynamodb"),
    defect("missing Keys", withDynamodb(base, { Keys: undefined }), "dynamodb.Keys"),
    defect("Keys an array", withDynamodb(base, { Keys: [] }), "dynamodb.Keys"),
    defect("Keys null", withDynamodb(base, { Keys: null }), "dynamodb.Keys"),
    defect(
      "missing SequenceNumber",
      withDynamodb(base, { SequenceNumber: undefined }),
      "dynamodb.SequenceNumber",
    ),
    defect(
      "SequenceNumber a number",
      withDynamodb(base, { SequenceNumber: 200 }),
      "dynamodb.SequenceNumber",
    ),
    defect("NewImage a string", withDynamodb(base, { NewImage: "x" }), "dynamodb.NewImage"),
    defect("OldImage an array", withDynamodb(base, { OldImage: [] }), "dynamodb.OldImage"),
    defect(
      "ApproximateCreationDateTime a string",
      withDynamodb(base, { ApproximateCreationDateTime: "2024-01-01" }),
      "dynamodb.ApproximateCreationDateTime",
    ),
    defect(
      "key attribute that is not a value",
      withDynamodb(base, { Keys: { pk: "a" } }),
      "dynamodb.Keys.pk",
    ),
    defect(
      "image attribute with two type tags",
      withDynamodb(base, {
        NewImage: { ...(base.dynamodb as { Keys: AttributeMap }).Keys, x: { S: "a", N: "1" } },
      }),
      "dynamodb.NewImage.x",
    ),
  ];
};
