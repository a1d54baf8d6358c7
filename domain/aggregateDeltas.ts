import type { AggregateSpec, GroupField } from "./aggregateSpec.js";
import { MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from "./attributeValidation.js";
import type { AttributeMap, AttributeValue } from "./attributeValue.js";
import { canonicalKey, utf8Length } from "./attributeValue.js";
import { addNumbers, isDynamoNumber, isZeroNumber, negateNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { utcDayOf } from "./isoDay.js";
import type { ChangeRecord } from "./streamRecord.js";

/** An amount to add to one total (negative to subtract). */
export interface Delta {
  /** Key of the total in the totals table. */
  readonly key: AttributeMap;
  /** Exact decimal string. */
  readonly amount: string;
}

/** The deltas one stream record causes, and the images of it that could not be read. */
export interface RecordDeltas {
  readonly eventId: string;
  readonly sequenceNumber: string;
  readonly deltas: ReadonlyArray<Delta>;
  readonly errors: ReadonlyArray<InvalidRecord>;
}

/** A string (S) or number (N) value holding what its tag says (images are decoded shallowly). */
const isString = (value: AttributeValue): value is { readonly S: string } =>
  "S" in value && typeof value.S === "string";
const isNumber = (value: AttributeValue): value is { readonly N: string } =>
  "N" in value && typeof value.N === "string" && isDynamoNumber(value.N);

const groupValue = (
  field: GroupField,
  value: AttributeValue | undefined,
  where: string,
  recordId: string,
  maxKeyBytes: number,
): AttributeValue | InvalidRecord => {
  const name = `${where}.${field.source}`;
  if (value === undefined)
    return invalidRecord(recordId, name, "missing (needed to group the total)");
  if (field.transform === "day") {
    const day = isString(value) ? utcDayOf(value.S) : undefined;
    return day !== undefined
      ? { S: day }
      : invalidRecord(
          recordId,
          name,
          "expected an ISO 8601 date or date-time string (S) naming a real day (YYYY-MM-DD, optional time and offset)",
        );
  }
  if (!(isString(value) && value.S !== "") && !isNumber(value))
    return invalidRecord(recordId, name, "expected a non-empty string (S) or a number (N)");
  // A total's key attribute: DynamoDB refuses longer keys (2048 bytes partition, 1024 sort).
  if (isString(value) && utf8Length(value.S) > maxKeyBytes)
    return invalidRecord(recordId, name, `longer than the ${maxKeyBytes} bytes of a key value`);
  return value;
};

/**
 * What one order image adds to the totals: `undefined` when it adds nothing (no or zero amount),
 * an {@link InvalidRecord} naming the field when it cannot be read. An unreadable image counts
 * as contributing nothing, so the totals stay the exact sum over the readable orders.
 * @example contributionOf(seedAggregateSpec, image, "evt-1", "NewImage")
 */
export const contributionOf = (
  spec: AggregateSpec,
  image: AttributeMap | undefined,
  recordId: string,
  where: "NewImage" | "OldImage",
): Delta | InvalidRecord | undefined => {
  if (image === undefined) return undefined;
  const amount = Object.hasOwn(image, spec.sum.source) ? image[spec.sum.source] : undefined;
  if (amount === undefined) return undefined;
  if (!isNumber(amount))
    return invalidRecord(recordId, `${where}.${spec.sum.source}`, "expected a number (N)");
  if (isZeroNumber(amount.N)) return undefined;
  const key: Record<string, AttributeValue> = {};
  for (const [index, field] of spec.groupBy.entries()) {
    const value = groupValue(
      field,
      Object.hasOwn(image, field.source) ? image[field.source] : undefined,
      where,
      recordId,
      index === 0 ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES,
    );
    if ("_tag" in value) return value;
    key[field.target] = value;
  }
  return { key, amount: amount.N };
};

const isError = (value: Delta | InvalidRecord | undefined): value is InvalidRecord =>
  value !== undefined && "_tag" in value;

/**
 * The image a change lacks for aggregation, as an error: INSERT needs its NewImage, REMOVE its
 * OldImage, MODIFY both (only a NEW_AND_OLD_IMAGES stream carries them). Counting a MODIFY without
 * its old image would add the new quantity without subtracting the old one: totals would drift.
 * @example missingImage({ eventId: "e1", eventName: "REMOVE", sequenceNumber: "1", keys }) // field "dynamodb.OldImage"
 */
export const missingImage = (change: ChangeRecord): InvalidRecord | undefined => {
  const refuse = (image: "NewImage" | "OldImage") =>
    invalidRecord(
      change.eventId,
      `dynamodb.${image}`,
      `missing on ${change.eventName}: aggregation needs a stream view type of NEW_AND_OLD_IMAGES`,
    );
  if (change.eventName !== "REMOVE" && change.newImage === undefined) return refuse("NewImage");
  if (change.eventName !== "INSERT" && change.oldImage === undefined) return refuse("OldImage");
  return undefined;
};

/**
 * The deltas of one change: INSERT adds the new image, REMOVE subtracts the old one, MODIFY
 * subtracts the old and adds the new (also when the order moves to another day or item).
 * Deltas on the same total are merged; zero deltas are dropped. A change without the images it
 * needs ({@link missingImage}) adds nothing and is reported.
 * @example deltasOf(seedAggregateSpec, change).deltas // [{ key: { order_date: …, item_number: … }, amount: "10" }]
 */
export const deltasOf = (spec: AggregateSpec, change: ChangeRecord): RecordDeltas => {
  const missing = missingImage(change);
  if (missing !== undefined)
    return {
      eventId: change.eventId,
      sequenceNumber: change.sequenceNumber,
      deltas: [],
      errors: [missing],
    };
  const added = contributionOf(spec, change.newImage, change.eventId, "NewImage");
  const removed = contributionOf(spec, change.oldImage, change.eventId, "OldImage");
  const deltas: Delta[] = [];
  const errors: InvalidRecord[] = [];
  if (isError(removed)) errors.push(removed);
  else if (removed !== undefined)
    deltas.push({ key: removed.key, amount: negateNumber(removed.amount) });
  if (isError(added)) errors.push(added);
  else if (added !== undefined) deltas.push(added);
  return {
    eventId: change.eventId,
    sequenceNumber: change.sequenceNumber,
    deltas: coalesce(deltas),
    errors,
  };
};

/** Whether two keys are equal, comparing S and N values directly before falling back to JSON. */
const sameKey = (a: AttributeMap, b: AttributeMap): boolean => {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  for (const name of names) {
    const x = a[name];
    const y = Object.hasOwn(b, name) ? b[name] : undefined;
    if (x === undefined || y === undefined) return false;
    if ("S" in x && "S" in y) {
      if (x.S !== y.S) return false;
    } else if ("N" in x && "N" in y) {
      if (x.N !== y.N) return false;
    } else if (canonicalKey({ v: x }) !== canonicalKey({ v: y })) return false;
  }
  return true;
};

/**
 * Merges deltas per total key, summing amounts exactly and dropping totals whose sum is zero.
 * Order follows each key's first appearance.
 * @example coalesce([{ key: k, amount: "5" }, { key: k, amount: "-2" }]) // [{ key: k, amount: "3" }]
 */
export const coalesce = (deltas: ReadonlyArray<Delta>): ReadonlyArray<Delta> => {
  // One delta (an INSERT or REMOVE, most records) needs no key map.
  const only = deltas.length === 1 ? deltas[0] : undefined;
  if (only !== undefined) return isZeroNumber(only.amount) ? [] : deltas;
  // Two deltas (a MODIFY): merged when the order stayed on the same total.
  const [first, second] = deltas;
  if (deltas.length === 2 && first !== undefined && second !== undefined) {
    if (!sameKey(first.key, second.key))
      return deltas.filter((delta) => !isZeroNumber(delta.amount));
    const amount = addNumbers(first.amount, second.amount);
    return isZeroNumber(amount) ? [] : [{ key: first.key, amount }];
  }
  const sums = new Map<string, Delta>();
  for (const delta of deltas) {
    const id = canonicalKey(delta.key);
    const current = sums.get(id);
    sums.set(
      id,
      current === undefined
        ? delta
        : { key: current.key, amount: addNumbers(current.amount, delta.amount) },
    );
  }
  return [...sums.values()].filter((delta) => !isZeroNumber(delta.amount));
};
