import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import { deltasOf, type RecordDeltas } from "../../domain/aggregateDeltas.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import type { AggregateStore } from "../aggregateStore.js";
import { applyAggregates } from "./applyAggregates.js";
import type { BatchReport, DecodedBatch, IndexedReject } from "./batchReport.js";

/**
 * What {@link aggregateChanges} did: the batch report, and {@link applyAggregates}' counts.
 * @example const report: AggregateBatchReport = { failed: [], rejected: [], transactions: 1, duplicates: 0 };
 */
export interface AggregateBatchReport extends BatchReport {
  /** Transactions committed. */
  readonly transactions: number;
  /** Records found already applied (a redelivery) and skipped. */
  readonly duplicates: number;
}

/**
 * Aggregates a batch of stream changes exactly once in effect: each change becomes its deltas
 * under `spec` (domain/aggregateDeltas.ts) and the batch is applied by {@link applyAggregates}.
 * Rejected, in this order: records that could not be read, values that cannot be aggregated
 * (their readable half still counts: a MODIFY from a valid to an invalid order removes the old
 * quantity), then records the store refused on their own. When the store stopped early, the
 * record it must resume at fails (with the store's error, a `Configuration` one included).
 * `shardId` (the batch's shard, known in tumbling-window invocations) selects watermark mode.
 *
 * @example
 * const report = await aggregateChanges(store, seedAggregateSpec)(records.map(decodeChangeRecord))();
 */
export const aggregateChanges =
  (store: AggregateStore, spec: AggregateSpec) =>
  (changes: DecodedBatch<ChangeRecord>, shardId?: string): Task<AggregateBatchReport> => {
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
      const report = await apply(records, shardId)();
      for (const error of report.rejected)
        rejected.push({ index: indexOfEvent(changes, error.recordId), error });
      const { transactions, duplicates, stopped } = report;
      if (stopped === undefined) return { failed: [], rejected, transactions, duplicates };
      const index = changes.findIndex(
        (change) => E.isRight(change) && change.right.sequenceNumber === stopped.resumeAt,
      );
      return { failed: [{ index, error: stopped.error }], rejected, transactions, duplicates };
    };
  };

/** The position of the record with this eventID (as a decoded change, or as an unreadable one). */
const indexOfEvent = (changes: DecodedBatch<ChangeRecord>, eventId: string): number =>
  changes.findIndex((change) =>
    E.isRight(change) ? change.right.eventId === eventId : change.left.recordId === eventId,
  );
