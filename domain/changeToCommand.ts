import * as E from "fp-ts/lib/Either.js";
import {
  type AttributeProblem,
  attributePath,
  joinPath,
  validateAttributeValue,
  validateItem,
} from "./attributeValidation.js";
import { type AttributeMap, attributeType } from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { isStreamArn } from "./streamOrigin.js";
import type { ChangeRecord } from "./streamRecord.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The stream's Keys as a replica can use them: one or two attributes, each a valid non-empty S,
 * an N or a non-empty B (checked shallowly first, so a hostile key nested deep costs nothing).
 */
const keysProblem = (keys: AttributeMap): AttributeProblem | undefined => {
  const names = Object.keys(keys);
  if (names.length === 0 || names.length > 2)
    return {
      path: "",
      reason: `expected one or two key attributes, got ${names.length === 0 ? "no key attribute" : names.length}`,
    };
  for (const name of names) {
    const path = attributePath("", name);
    const value = keys[name];
    const tag = attributeType(value);
    if (tag !== "S" && tag !== "N" && tag !== "B")
      return { path, reason: `key attribute must be of type S, N or B, got ${tag ?? "no type"}` };
    const found = validateAttributeValue(value, path);
    if (found !== undefined) return found;
    if ((value as Record<string, unknown>)[tag] === "")
      return { path, reason: "key attribute must not be empty" };
  }
  return undefined;
};

/** The first key attribute whose value differs from the image's (or is missing from it). */
const mismatchedKey = (keys: AttributeMap, image: AttributeMap): string | undefined =>
  Object.keys(keys).find(
    (name) =>
      !Object.hasOwn(image, name) || JSON.stringify(image[name]) !== JSON.stringify(keys[name]),
  );

/**
 * The write a replica must apply for one change of the source table: INSERT/MODIFY put the new
 * image (refused without one: the stream's view type must be NEW_IMAGE or NEW_AND_OLD_IMAGES),
 * REMOVE deletes the key. The command keeps the stream's SequenceNumber as `seq` (orders
 * writes of one key), the record's `eventSourceARN` as `stream` when it is a DynamoDB stream ARN
 * (orders writes across a re-created source table, names the source table) and the eventID as
 * `source` (names it in reports). What a replica could
 * never store is refused here, naming the record and the field: Keys that are not one or two
 * valid S/N/B values, a new image DynamoDB would refuse (bad values, nesting past 32 levels,
 * over 400 KB) or whose key attributes differ from the Keys.
 *
 * @example
 * changeToCommand({ eventId: "e1", eventName: "REMOVE", sequenceNumber: "7", keys: { id: { S: "a" } } })
 * // right({ op: "delete", key: { id: { S: "a" } }, source: "e1", seq: "7" })
 */
export const changeToCommand = (change: ChangeRecord): E.Either<InvalidRecord, WriteCommand> => {
  const refuse = (field: string, reason: string) =>
    E.left(invalidRecord(change.eventId, field, reason));
  const badKeys = keysProblem(change.keys);
  if (badKeys !== undefined) return refuse(joinPath("dynamodb.Keys", badKeys.path), badKeys.reason);
  const stream =
    change.eventSourceArn !== undefined && isStreamArn(change.eventSourceArn)
      ? { stream: change.eventSourceArn }
      : {};
  if (change.eventName === "REMOVE")
    return E.right({
      op: "delete",
      key: change.keys,
      source: change.eventId,
      seq: change.sequenceNumber,
      ...stream,
    });
  if (change.newImage === undefined)
    return refuse(
      "dynamodb.NewImage",
      `missing on ${change.eventName}: replication needs a stream view type of NEW_IMAGE or NEW_AND_OLD_IMAGES`,
    );
  const badImage = validateItem(change.newImage);
  if (badImage !== undefined)
    return refuse(joinPath("dynamodb.NewImage", badImage.path), badImage.reason);
  const mismatch = mismatchedKey(change.keys, change.newImage);
  if (mismatch !== undefined)
    return refuse(
      joinPath("dynamodb.Keys", attributePath("", mismatch)),
      "does not match the same attribute of the NewImage",
    );
  return E.right({
    op: "put",
    key: change.keys,
    item: change.newImage,
    source: change.eventId,
    seq: change.sequenceNumber,
    ...stream,
  });
};
