import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import { type ChunkPlan, chunkOf, planChunks } from "../../domain/aggregateChunks.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import { paddedSequence } from "../../domain/aggregateWatermark.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { type InvalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import type { AggregateStore, ApplyOutcome } from "../aggregateStore.js";
import type { AggregationBatch, AggregationReport, AggregationStop } from "./aggregationReport.js";
import { shardOfBatch, type WatermarkedTotal } from "./shardOfBatch.js";

type Refusal = ApplyOutcome & { readonly _tag: "Refused" };

const pairOf = (eventId: string, key: AttributeMap) => `${eventId}\u0000${canonicalKey(key)}`;

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
    let shardId = batch.shardId;
    let transactions = 0;
    let duplicates = 0;
    const rejected: InvalidRecord[] = [];
    const covered = new Set<string>();
    const stampsSeen = new Map<string, string | undefined>();
    const plan: ChunkPlan = {
      covered: (eventId, key) => covered.has(pairOf(eventId, key)),
      guardOf: (key, first) => {
        if (first === undefined) return { _tag: "None" };
        if (shardId !== undefined) return { _tag: "ShardWatermarkAtOrPast", shardId, first };
        const id = canonicalKey(key);
        return stampsSeen.has(id)
          ? { _tag: "WatermarkStampChanged", stamp: stampsSeen.get(id) }
          : { _tag: "RecentWatermarkWrite" };
      },
    };

    /** Learns from a refusal; false when it taught nothing (the caller gives up). */
    const learn = async (
      refusal: Refusal,
      pending: ReadonlyArray<RecordDeltas>,
    ): Promise<E.Either<PipelineError, boolean>> => {
      let progress = false;
      for (const { key, watermark } of refusal.covered)
        for (const record of pending) {
          const padded = paddedSequence(record.sequenceNumber);
          const touches = record.deltas.some((d) => canonicalKey(d.key) === canonicalKey(key));
          if (!touches || padded === undefined || padded > watermark) continue;
          if (!covered.has(pairOf(record.eventId, key))) progress = true;
          covered.add(pairOf(record.eventId, key));
        }
      if (refusal.watermarked.length === 0) return E.right(progress);
      const totals: WatermarkedTotal[] = refusal.watermarked.map((total) => ({
        ...total,
        pending: pending.flatMap((record) => {
          const padded = paddedSequence(record.sequenceNumber);
          const on = record.deltas.some((d) => canonicalKey(d.key) === canonicalKey(total.key));
          return on && padded !== undefined && !covered.has(pairOf(record.eventId, total.key))
            ? [padded]
            : [];
        }),
      }));
      const found = await shardOfBatch(store.aggregationId, batch, totals)();
      if (E.isLeft(found)) return found;
      if (found.right !== undefined) {
        shardId = found.right;
        return E.right(true);
      }
      for (const total of totals) {
        const id = canonicalKey(total.key);
        if (stampsSeen.has(id) && stampsSeen.get(id) === total.stamp) continue;
        stampsSeen.set(id, total.stamp);
        progress = true;
      }
      return E.right(progress);
    };

    /** A record the store refused on its own: its reject stored, then its marker written. */
    const rejectAlone = async (
      record: RecordDeltas,
      error: InvalidRecord,
    ): Promise<AggregationStop | undefined> => {
      const reject = { ...error, recordId: record.eventId };
      const stored = await batch.rejectRecord(record.eventId, reject)();
      if (E.isLeft(stored)) return { error: stored.left, resumeAt: record.sequenceNumber };
      rejected.push(reject);
      await store.apply({
        markers: [record.eventId],
        updates: [],
        firstSequenceNumber: record.sequenceNumber,
      })();
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
