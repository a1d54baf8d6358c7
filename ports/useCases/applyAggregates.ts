import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import { chunkOf, planChunks } from "../../domain/aggregateChunks.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import { increasing } from "../../domain/aggregateWatermark.js";
import { type InvalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import type { AggregateStore } from "../aggregateStore.js";
import { advanceTotals } from "./advanceTotals.js";

/**
 * What {@link applyAggregates} did with a batch.
 * @example const report: AggregationReport = { transactions: 2, duplicates: 0, rejected: [] };
 */
export interface AggregationReport {
  /** Writes committed: transactions (marker mode) or conditional updates (watermark mode). */
  readonly transactions: number;
  /** Records found already applied (a redelivery) and skipped. */
  readonly duplicates: number;
  /** Records the store refused as invalid on their own (e.g. a total overflowing 38 digits). */
  readonly rejected: ReadonlyArray<InvalidRecord>;
  /** Set when it stopped early: the failure, and the sequence number Lambda must resume from. */
  readonly stopped?: { readonly error: PipelineError; readonly resumeAt: string };
}

type Stop = NonNullable<AggregationReport["stopped"]>;

/**
 * Applies a batch's deltas exactly once in effect. Chunks are written in stream order, each in
 * one transaction with its records' markers. A refused transaction names the markers that exist
 * (records applied by an earlier delivery): those records are dropped and the rest is retried.
 * The first chunk that fails transiently stops the batch: everything before it is durable, and
 * Lambda resumes at its first record. A crash at any point is safe for the same reason. A chunk
 * the store rejects as invalid is retried record by record, so only the culprit is rejected.
 *
 * Given the shard the batch comes from (`shardId`, with its sequence numbers increasing: Lambda
 * passes it in tumbling-window invocations), watermark mode instead: {@link advanceTotals}, one
 * conditional update per total and no marker. Otherwise, or when the sequence numbers are not
 * increasing 1-to-40-digit numbers, marker mode.
 *
 * @example
 * const report = await applyAggregates(store)(changes.map((c) => deltasOf(spec, c)))();
 */
export const applyAggregates =
  (store: AggregateStore) =>
  (records: ReadonlyArray<RecordDeltas>, shardId?: string): Task<AggregationReport> =>
  async () => {
    if (shardId !== undefined && increasing(records.map((r) => r.sequenceNumber)))
      return advanceTotals(store)(records, shardId)();
    let transactions = 0;
    let duplicates = 0;
    const rejected: InvalidRecord[] = [];

    const applyGroup = async (group: ReadonlyArray<RecordDeltas>): Promise<Stop | undefined> => {
      let pending = group;
      while (pending.length > 0) {
        const chunk = chunkOf(pending);
        const outcome = await store.apply(chunk)();
        if (E.isLeft(outcome)) {
          const error = outcome.left;
          if (error._tag !== "InvalidRecord") return { error, resumeAt: chunk.firstSequenceNumber };
          const [only] = pending;
          if (pending.length === 1 && only !== undefined) {
            rejected.push({ ...error, recordId: only.eventId });
            return undefined;
          }
          for (const record of pending) {
            const stop = await applyGroup([record]);
            if (stop !== undefined) return stop;
          }
          return undefined;
        }
        if (outcome.right._tag === "Applied") {
          transactions += 1;
          return undefined;
        }
        const applied = new Set(outcome.right.markers);
        const rest = pending.filter((record) => !applied.has(record.eventId));
        if (rest.length === pending.length) {
          const error = transient(
            "TransactWriteItems",
            "refused without naming an existing marker",
          );
          return { error, resumeAt: chunk.firstSequenceNumber };
        }
        duplicates += pending.length - rest.length;
        pending = rest;
      }
      return undefined;
    };

    for (const group of planChunks(records)) {
      const stopped = await applyGroup(group);
      if (stopped !== undefined) return { transactions, duplicates, rejected, stopped };
    }
    return { transactions, duplicates, rejected };
  };
