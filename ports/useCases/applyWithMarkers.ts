import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import { chunkOf, planChunks } from "../../domain/aggregateChunks.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import { type InvalidRecord, transient } from "../../domain/errors.js";
import type { AggregateStore } from "../aggregateStore.js";
import type { AggregationBatch, AggregationReport, AggregationStop } from "./aggregationReport.js";
import { watermarkKnowledge } from "./watermarkKnowledge.js";

/**
 * Marker mode: chunks written in stream order, each in one transaction with its records'
 * markers, each total's update guarded against records a watermark write applied
 * (domain/aggregateChunks.ts `WatermarkGuard`). A refused transaction names what exists: records
 * with markers are dropped, (record, total) pairs a watermark of the batch's shard covers are
 * dropped, and totals a watermark write stamped are judged: when no watermark on them could cover
 * the chunk's records they are accepted as seen; otherwise the batch's shard is looked up in the
 * stream (`batch.shards`), and the batch goes on guarded by that shard's watermarks. The rest is
 * written again. The first chunk that fails transiently stops the batch: everything before it is
 * durable, and Lambda resumes at its first record. A chunk the store rejects as invalid is
 * retried record by record; a record refused alone has its reject stored, then its marker
 * written, so no delivery counts it applied without its reject, nor rejects it twice.
 *
 * @example
 * const report = await applyWithMarkers(store, batch)(records)();
 */
export const applyWithMarkers =
  (store: AggregateStore, batch: AggregationBatch) =>
  (records: ReadonlyArray<RecordDeltas>): Task<AggregationReport> =>
  async () => {
    let transactions = 0;
    let duplicates = 0;
    const rejected: InvalidRecord[] = [];
    const { plan, learn } = watermarkKnowledge(store.aggregationId, batch);

    /** A record the store refused on its own: its reject stored, then its marker written. */
    const rejectAlone = async (
      record: RecordDeltas,
      error: InvalidRecord,
    ): Promise<AggregationStop | undefined> => {
      const reject = { ...error, recordId: record.eventId };
      const stored = await batch.rejectRecord(record.eventId, reject)();
      if (E.isLeft(stored)) return { error: stored.left, resumeAt: record.sequenceNumber };
      rejected.push(reject);
      // Marked done as marker mode marks a record: its marker, and its totals stamped by markers
      // (a zero ADD), so a watermark write on them honours the marker too.
      const keys = new Map(record.deltas.map((d) => [canonicalKey(d.key), d.key]));
      const mark = (stamped: boolean) =>
        store.apply({
          markers: [record.eventId],
          updates: stamped
            ? [...keys.values()].map((key) => ({ key, amount: "0", guard: { _tag: "None" } }))
            : [],
          firstSequenceNumber: record.sequenceNumber,
        })();
      const stamped = await mark(true);
      // A total DynamoDB refuses even a zero ADD on (its key is invalid) takes no write of any
      // mode: the marker alone marks the record.
      const marked =
        E.isLeft(stamped) && stamped.left._tag === "InvalidRecord" ? await mark(false) : stamped;
      // Not marked: the record fails from here (its reject may be stored again on the retry, it
      // is never counted as done without its bookkeeping).
      if (E.isLeft(marked)) return { error: marked.left, resumeAt: record.sequenceNumber };
      return undefined;
    };

    const applyGroup = async (
      group: ReadonlyArray<RecordDeltas>,
    ): Promise<AggregationStop | undefined> => {
      let pending = group;
      while (pending.length > 0) {
        const chunk = chunkOf(pending, plan);
        const outcome = await store.apply(chunk)();
        if (E.isLeft(outcome)) {
          const error = outcome.left;
          if (error._tag !== "InvalidRecord") return { error, resumeAt: chunk.firstSequenceNumber };
          const [only] = pending;
          if (pending.length === 1 && only !== undefined) return rejectAlone(only, error);
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
        const refusal = outcome.right;
        const applied = new Set(refusal.markers);
        const rest = pending.filter((record) => !applied.has(record.eventId));
        duplicates += pending.length - rest.length;
        const learned = await learn(refusal, rest);
        if (E.isLeft(learned)) return { error: learned.left, resumeAt: chunk.firstSequenceNumber };
        if (!learned.right && rest.length === pending.length) {
          const error = transient("TransactWriteItems", "refused without naming a cause");
          return { error, resumeAt: chunk.firstSequenceNumber };
        }
        pending = rest;
      }
      return undefined;
    };

    for (const group of planChunks(records)) {
      const stopped = await applyGroup(group);
      if (stopped !== undefined)
        return { transactions, duplicates, rejected, stopped, mode: "markers" };
    }
    return { transactions, duplicates, rejected, mode: "markers" };
  };
