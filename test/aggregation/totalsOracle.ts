import type { DynamoDBRecord } from "aws-lambda";
import { addNumbers, isZeroNumber, negateNumber } from "../../domain/decimal.js";
import type { RejectedRecord } from "../../ports/rejectSink.js";

/**
 * The oracle of the aggregation model when the totals table refuses some (record, total) pairs
 * (a total past 38 digits): which pairs were reported refused, and whether the totals are
 * explained by applying every record once, except some of the refused pairs.
 */

/** A record's contribution to each total ("day|item" → amount). */
export type RecordContributions = (record: DynamoDBRecord) => ReadonlyMap<string, string>;

/**
 * The (record, total) pairs whose rejects say the totals table refused them, by total: their
 * amounts. A refusal naming a total (watermark mode) covers that total; one naming none (marker
 * mode rejects the record) covers every total the record moves. A pair reported twice counts once.
 * @example refusedPairs(rejects.records, records, deltasOfRecord).get("2026-11-20|item7")
 */
export const refusedPairs = (
  rejects: ReadonlyArray<RejectedRecord>,
  records: ReadonlyArray<DynamoDBRecord>,
  contributions: RecordContributions,
): Map<string, string[]> => {
  const seen = new Set<string>();
  const byTotal = new Map<string, string[]>();
  for (const reject of rejects) {
    if (reject.error.field !== "$") continue;
    const record = records.find((r) => r.eventID === reject.error.recordId);
    if (record === undefined) continue;
    for (const [total, amount] of contributions(record)) {
      const [day, item] = total.split("|");
      const named = reject.error.reason.startsWith("total ");
      if (
        named &&
        !(reject.error.reason.includes(`"${day}"`) && reject.error.reason.includes(`"${item}"`))
      )
        continue;
      const pair = `${reject.error.recordId}|${total}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      byTotal.set(total, [...(byTotal.get(total) ?? []), amount]);
    }
  }
  return byTotal;
};

const sumOf = (amounts: ReadonlyArray<string>) => amounts.reduce((a, b) => addNumbers(a, b), "0");
const equal = (a: string, b: string) => isZeroNumber(addNumbers(a, negateNumber(b)));

/** Every sum of a subset of `amounts` (distinct values). */
const subsetSums = (amounts: ReadonlyArray<string>): ReadonlyArray<string> => {
  let sums = new Map<string, string>([["0", "0"]]);
  for (const amount of amounts) {
    const next = new Map(sums);
    for (const sum of sums.values()) {
      const more = addNumbers(sum, amount);
      next.set(more, more);
    }
    sums = next;
  }
  return [...sums.values()];
};

/**
 * The totals that are NOT explained: a total is explained when it equals the sum of every
 * record's contribution to it minus the amounts of some subset of its refused pairs (each record
 * applied once, or refused and reported). An empty list: all are.
 * @example expect(explainedByRefusals(actual, records, deltasOfRecord, refused)).toEqual([])
 */
export const explainedByRefusals = (
  actual: ReadonlyMap<string, string>,
  records: ReadonlyArray<DynamoDBRecord>,
  contributions: RecordContributions,
  refused: ReadonlyMap<string, ReadonlyArray<string>>,
): ReadonlyArray<string> => {
  const full = new Map<string, string[]>();
  for (const record of records)
    for (const [total, amount] of contributions(record))
      full.set(total, [...(full.get(total) ?? []), amount]);
  const totals = new Set([...actual.keys(), ...full.keys()]);
  return [...totals].flatMap((total) => {
    const have = actual.get(total) ?? "0";
    const all = sumOf(full.get(total) ?? []);
    const explained = subsetSums(refused.get(total) ?? []).some((left) =>
      equal(addNumbers(all, negateNumber(left)), have),
    );
    return explained ? [] : [`${total}: ${have}, not ${all} less refused pairs`];
  });
};
