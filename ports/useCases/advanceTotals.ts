import * as E from "fp-ts/lib/Either.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { type InvalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import {
  type Contribution,
  contributionsByTotal,
  pendingPast,
} from "../../domain/totalWatermarks.js";
import type { AggregateStore } from "../aggregateStore.js";
import type { AggregationBatch, AggregationReport } from "./aggregationReport.js";
import { inParallel } from "./inParallel.js";

/** Totals written at once (each its own UpdateItem). */
export const TOTALS_IN_FLIGHT = 8;

/** What became of one total's contributions. */
interface TotalResult {
  readonly writes: number;
  /** Records found already applied to this total (eventIDs). */
  readonly skipped: ReadonlyArray<string>;
  readonly rejected: ReadonlyArray<InvalidRecord>;
  /** The first contribution not durably applied (the write failed). */
  readonly pendingFrom?: Contribution;
  readonly error?: PipelineError;
  /** Markers stamped the total: its records not yet applied go to marker mode. */
  readonly markerStamped?: boolean;
}

const merge = (a: TotalResult, b: TotalResult): TotalResult => ({
  ...b,
  writes: a.writes + b.writes,
  skipped: [...a.skipped, ...b.skipped],
  rejected: [...a.rejected, ...b.rejected],
});

const NOTHING: TotalResult = { writes: 0, skipped: [], rejected: [] };

/**
 * Watermark mode of {@link applyAggregates}: the batch comes from one shard (`shardId`), its
 * sequence numbers increasing. Each total takes the sum of its records in ONE conditional update
 * that also moves its watermark for the shard ({@link AggregateStore.advance}); totals are
 * written independently, {@link TOTALS_IN_FLIGHT} at a time. A refusal names the total's
 * watermark: its records at or below it were applied before and are dropped, the rest retried.
 * A total whose records sum to zero is written too: some of them may have been applied before
 * (only the refusal tells), and its watermark must move past them all.
 *
 * When a total fails, Lambda must resume at or before the first record not durably applied to
 * EVERY total, so the resume point is the earliest such record over the failed totals; totals
 * written past it skip those records on redelivery. A total the
 * store refuses as invalid (e.g. beyond 38 digits) is retried record by record, so only the
 * culprit is rejected (for that total; its delta to another total stands): its reject is stored
 * (`batch.rejectRecord`) BEFORE the watermark moves past it, then the watermark is moved to it
 * (a zero write), so no delivery skips it unreported nor rejects it twice. A total markers
 * stamped in the last 48 hours is left to marker mode: its keys come back in `markerTotals`.
 *
 * @example
 * const report = await advanceTotals(store, batch)(records, "shardId-00000001")();
 */
export const advanceTotals =
  (store: AggregateStore, batch: AggregationBatch) =>
  (records: ReadonlyArray<RecordDeltas>, shardId: string) =>
  async (): Promise<AggregationReport & { readonly markerTotals: ReadonlyArray<AttributeMap> }> => {
    const advance = async (
      key: AttributeMap,
      contributions: ReadonlyArray<Contribution>,
    ): Promise<TotalResult> => {
      let watermark: string | undefined;
      let writes = 0;
      for (;;) {
        const pending = pendingPast(contributions, watermark);
        const past = new Set(pending?.contributions ?? []);
        const result = (more: Partial<TotalResult> = {}): TotalResult => ({
          writes,
          skipped: contributions.filter((c) => !past.has(c)).map((c) => c.eventId),
          rejected: [],
          ...more,
        });
        if (pending === undefined) return result();
        const outcome = await store.advance({
          key,
          amount: pending.amount,
          shardId,
          first: pending.first.padded,
          last: pending.last.padded,
        })();
        if (E.isRight(outcome) && outcome.right._tag === "BehindWatermark") {
          watermark = outcome.right.watermark;
          continue;
        }
        if (E.isRight(outcome) && outcome.right._tag === "MarkerStamped")
          return result({ markerStamped: true });
        if (E.isRight(outcome)) {
          writes += 1;
          return result();
        }
        const error = outcome.left;
        if (error._tag !== "InvalidRecord") return result({ pendingFrom: pending.first, error });
        if (pending.contributions.length > 1)
          return merge(result(), await oneByOne(key, pending.contributions));
        const reject = { ...error, recordId: pending.first.eventId };
        const stored = await batch.rejectRecord(reject.recordId, reject)();
        if (E.isLeft(stored)) return result({ pendingFrom: pending.first, error: stored.left });
        const { padded } = pending.first;
        const marked = await store.advance({
          key,
          amount: "0",
          shardId,
          first: padded,
          last: padded,
        })();
        // Not marked (the write failed, or markers took the total meanwhile): the record fails
        // from here; its reject may be stored again on the retry, it is never counted as done
        // without its bookkeeping.
        if (E.isLeft(marked))
          return result({ rejected: [reject], pendingFrom: pending.first, error: marked.left });
        if (marked.right._tag === "MarkerStamped")
          return result({
            rejected: [reject],
            pendingFrom: pending.first,
            error: transient(
              "UpdateItem",
              "markers wrote the total while its refused record was marked",
            ),
          });
        return result({ rejected: [reject] });
      }
    };

    /** One write per record, in order: only the records refused as invalid are rejected. */
    const oneByOne = async (
      key: AttributeMap,
      contributions: ReadonlyArray<Contribution>,
    ): Promise<TotalResult> => {
      let result = NOTHING;
      for (const contribution of contributions) {
        result = merge(result, await advance(key, [contribution]));
        if (result.pendingFrom !== undefined || result.markerStamped) return result;
      }
      return result;
    };

    const totals = contributionsByTotal(records);
    const results = await inParallel(totals, TOTALS_IN_FLIGHT, (total) =>
      advance(total.key, total.contributions),
    );
    const report = {
      transactions: results.reduce((n, r) => n + r.writes, 0),
      duplicates: new Set(results.flatMap((r) => r.skipped)).size,
      rejected: results.flatMap((r) => r.rejected),
      mode: "watermark" as const,
      markerTotals: totals.flatMap((total, i) => (results[i]?.markerStamped ? [total.key] : [])),
    };
    const error = results.find((r) => r.error !== undefined)?.error;
    const resume = results
      .flatMap((r) => (r.pendingFrom === undefined ? [] : [r.pendingFrom]))
      .reduce<Contribution | undefined>(
        (a, b) => (a === undefined || b.padded < a.padded ? b : a),
        undefined,
      );
    return error === undefined || resume === undefined
      ? report
      : { ...report, stopped: { error, resumeAt: resume.sequenceNumber } };
  };
