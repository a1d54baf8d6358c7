import type { AggregateSpec, GroupField } from "./aggregateSpec.js";
import type { AttributeMap, AttributeValue } from "./attributeValue.js";
import { canonicalKey } from "./attributeValue.js";
import { addNumbers, isDynamoNumber, isZeroNumber, negateNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
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

const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ]|$)/;

const groupValue = (
  field: GroupField,
  value: AttributeValue | undefined,
  where: string,
  recordId: string,
): AttributeValue | InvalidRecord => {
  const name = `${where}.${field.source}`;
  if (value === undefined)
    return invalidRecord(recordId, name, "missing (needed to group the total)");
  if (field.transform === "day") {
    const day = "S" in value ? DAY.exec(value.S) : null;
    return day
      ? { S: day[0].slice(0, 10) }
      : invalidRecord(recordId, name, "expected an ISO 8601 date string (S) starting YYYY-MM-DD");
  }
  if (("S" in value && value.S !== "") || "N" in value) return value;
  return invalidRecord(recordId, name, "expected a non-empty string (S) or a number (N)");
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
  if (!("N" in amount) || !isDynamoNumber(amount.N))
    return invalidRecord(recordId, `${where}.${spec.sum.source}`, "expected a number (N)");
  if (isZeroNumber(amount.N)) return undefined;
  const key: Record<string, AttributeValue> = {};
  for (const field of spec.groupBy) {
    const value = groupValue(
      field,
      Object.hasOwn(image, field.source) ? image[field.source] : undefined,
      where,
      recordId,
    );
    if ("_tag" in value) return value;
    key[field.target] = value;
  }
  return { key, amount: amount.N };
};

const isError = (value: Delta | InvalidRecord | undefined): value is InvalidRecord =>
  value !== undefined && "_tag" in value;

/**
 * The deltas of one change: INSERT adds the new image, REMOVE subtracts the old one, MODIFY
 * subtracts the old and adds the new (also when the order moves to another day or item).
 * Deltas on the same total are merged; zero deltas are dropped.
 * @example deltasOf(seedAggregateSpec, change).deltas // [{ key: { order_date: …, item_number: … }, amount: "10" }]
 */
export const deltasOf = (spec: AggregateSpec, change: ChangeRecord): RecordDeltas => {
  const added = contributionOf(spec, change.newImage, change.eventId, "NewImage");
  const removed = contributionOf(spec, change.oldImage, change.eventId, "OldImage");
  const deltas: Delta[] = [];
  if (removed !== undefined && !isError(removed))
    deltas.push({ key: removed.key, amount: negateNumber(removed.amount) });
  if (added !== undefined && !isError(added)) deltas.push(added);
  return {
    eventId: change.eventId,
    sequenceNumber: change.sequenceNumber,
    deltas: coalesce(deltas),
    errors: [removed, added].filter(isError),
  };
};

/**
 * Merges deltas per total key, summing amounts exactly and dropping totals whose sum is zero.
 * Order follows each key's first appearance.
 * @example coalesce([{ key: k, amount: "5" }, { key: k, amount: "-2" }]) // [{ key: k, amount: "3" }]
 */
export const coalesce = (deltas: ReadonlyArray<Delta>): ReadonlyArray<Delta> => {
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
