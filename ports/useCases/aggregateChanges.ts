import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { deltasOf, type RecordDeltas } from "../../domain/aggregateDeltas.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import {
  describeError,
  type InvalidRecord,
  type PipelineError,
  transient,
} from "../../domain/errors.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import type { AggregateStore } from "../aggregateStore.js";
import type { AggregationBatch, AggregationReport } from "./aggregationReport.js";
import { applyAggregates } from "./applyAggregates.js";
import type { BatchReport, DecodedBatch, IndexedReject } from "./batchReport.js";

/**
 * What {@link aggregateChanges} did: the batch report, and {@link applyAggregates}' counts.
 * @example const report: AggregateBatchReport = { failed: [], rejected: [], stored: [], transactions: 1, duplicates: 0, mode: "markers" };
 */
export interface AggregateBatchReport extends BatchReport {
  /** Records the store refused on their own, their rejects already stored (not to report again). */
  readonly stored: ReadonlyArray<IndexedReject>;
  /** Writes committed. */
  readonly transactions: number;
  /** Records found already applied (a redelivery) and skipped. */
  readonly duplicates: number;
  /** Which bookkeeping ran. */
  readonly mode: AggregationReport["mode"];
}

/**
 * One batch of {@link aggregateChanges}: what {@link applyAggregates} needs, with rejects stored
 * by record position.
 */
export type ChangesBatch = Omit<AggregationBatch, "rejectRecord"> & {
  /** Stores the reject of the record at this position (a left: not stored). */
  readonly storeReject: (index: number, error: InvalidRecord) => TE.TaskEither<PipelineError, void>;
};

/**
 * Aggregates a batch of stream changes exactly once in effect: each change becomes its deltas
 * under `spec` (domain/aggregateDeltas.ts) and the batch is applied by {@link applyAggregates}.
 * Rejected, for the caller to report: records that could not be read and values that cannot be
 * aggregated (their readable half still counts: a MODIFY from a valid to an invalid order removes
 * the old quantity); a delivery again derives them again. Records the store refused on their own
 * are rejected too, but stored as they are refused (`batch.storeReject`): the bookkeeping moves
 * past them, so a delivery again would not see them. When the store stopped early, the record
 * it must resume at fails (with the store's error, a `Configuration` one included).
 *
 * @example
 * const report = await aggregateChanges(store, seedAggregateSpec)(records.map(decodeChangeRecord), batch)();
 */
export const aggregateChanges =
  (store: AggregateStore, spec: AggregateSpec) =>
  (changes: DecodedBatch<ChangeRecord>, batch: ChangesBatch): Task<AggregateBatchReport> => {
    const apply = applyAggregates(store);
    return async () => {
      const rejected: IndexedReject[] = [];
      const records: RecordDeltas[] = [];
      changes.forEach((change, index) => {
        if (E.isLeft(change)) {
          rejected.push({ index, error: change.left });
          return;
        }
        const deltas = deltasOf(spec, change.right);
        for (const error of deltas.errors) rejected.push({ index, error });
        records.push(deltas);
      });
      const indexOf = (eventId: string) =>
        changes.findIndex((change) => E.isRight(change) && change.right.eventId === eventId);
      // A destination that refuses fails the record (retried from it), as any transient failure.
      const rejectRecord = (eventId: string, error: InvalidRecord) =>
        TE.mapLeft((refused: PipelineError) =>
          transient("reject destination", `not stored: ${describeError(refused)}`, refused),
        )(batch.storeReject(indexOf(eventId), error));
      const report = await apply(records, { ...batch, rejectRecord })();
      const stored = report.rejected.map((error) => ({ index: indexOf(error.recordId), error }));
      const { transactions, duplicates, stopped, mode } = report;
      const counts = { rejected, stored, transactions, duplicates, mode };
      if (stopped === undefined) return { failed: [], ...counts };
      const index = changes.findIndex(
        (change) => E.isRight(change) && change.right.sequenceNumber === stopped.resumeAt,
      );
      return { failed: [{ index, error: stopped.error }], ...counts };
    };
  };
