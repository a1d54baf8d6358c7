import * as E from "fp-ts/lib/Either.js";
import { type InvalidRecord, invalidRecord } from "../../domain/errors.js";
import type { CsvObjectNotice } from "../../ports/useCases/loadCsvObject.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const optionalText = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * Whether an event is the `s3:TestEvent` S3 sends when a notification is configured (S3 User
 * Guide, "Event message structure"): nothing to load, not an error.
 * @example isS3TestEvent({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "uploads" }) // true
 */
export const isS3TestEvent = (event: unknown): boolean =>
  isObject(event) && event.Service === "Amazon S3" && event.Event === "s3:TestEvent";

/**
 * Whether an event is an EventBridge event (it has `detail-type`, `source` and `detail`), which
 * has no `Records`.
 * @example isEventBridgeEvent({ "detail-type": "Object Created", source: "aws.s3", detail: {} }) // true
 */
export const isEventBridgeEvent = (event: unknown): event is Record<string, unknown> =>
  isObject(event) && "detail-type" in event && "source" in event && "detail" in event;

/**
 * Reads an S3 "Object Created" event delivered by EventBridge (S3 User Guide, "EventBridge event
 * message structure"): `detail.bucket.name`, `detail.object.key` (NOT URL-encoded there),
 * `detail.object.version-id`, `detail.object.sequencer`. Any other EventBridge event (another
 * detail-type, another source) or a malformed one is an {@link InvalidRecord} naming the field.
 * @example decodeEventBridgeObjectCreated(event) // right({ bucket: "example-bucket", key: "IMG_m7fzo3.jpg", sequencer: "006408CAD69598B05E" })
 */
export const decodeEventBridgeObjectCreated = (
  event: Record<string, unknown>,
): E.Either<InvalidRecord, CsvObjectNotice> => {
  const id = typeof event.id === "string" ? event.id : "event";
  if (event.source !== "aws.s3")
    return E.left(invalidRecord(id, "source", `not an S3 event (${JSON.stringify(event.source)})`));
  if (event["detail-type"] !== "Object Created")
    return E.left(
      invalidRecord(
        id,
        "detail-type",
        `not "Object Created" (${JSON.stringify(event["detail-type"])}): nothing to load`,
      ),
    );
  const detail = isObject(event.detail) ? event.detail : {};
  const bucket = isObject(detail.bucket) ? optionalText(detail.bucket.name) : undefined;
  if (bucket === undefined)
    return E.left(invalidRecord(id, "detail.bucket.name", "missing or not a string"));
  const object = isObject(detail.object) ? detail.object : {};
  const key = optionalText(object.key);
  if (key === undefined)
    return E.left(invalidRecord(id, "detail.object.key", "missing or not a string"));
  const versionId = optionalText(object["version-id"]);
  const sequencer = optionalText(object.sequencer);
  return E.right({
    bucket,
    key,
    ...(versionId === undefined ? {} : { versionId }),
    ...(sequencer === undefined ? {} : { sequencer }),
  });
};
