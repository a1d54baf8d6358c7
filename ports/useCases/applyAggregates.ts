import type { Task } from "fp-ts/lib/Task.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import { increasing } from "../../domain/aggregateWatermark.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import type { AggregateStore } from "../aggregateStore.js";
import { advanceTotals } from "./advanceTotals.js";
import { type AggregationBatch, type AggregationReport, earlierStop } from "./aggregationReport.js";
import { applyWithMarkers } from "./applyWithMarkers.js";

/**
 * Applies a batch's deltas exactly once in effect, in the bookkeeping the batch allows, each
 * honouring the other's (ports/aggregateStore.ts), so a delivery that spans a change of the
 * mapping (tumbling window added or removed, ParallelizationFactor changed) is never applied
 * twice:
 *
 * - watermark mode ({@link advanceTotals}, one conditional update per total) when the event names
 *   its shard, the shard's batches are known to run one at a time (`batch.sequential`: the
 *   ParallelizationFactor is 1) and the sequence numbers increase; totals that markers stamped in
 *   the last 48 hours then take the records that touch them in marker mode, after the watermark
 *   writes, guarded by the shard's watermarks;
 * - marker mode ({@link applyWithMarkers}) otherwise: no window, a ParallelizationFactor above 1
 *   or not known (a guess that the batches are sequential could lose records, so it is never
 *   made), or sequence numbers that a watermark cannot hold.
 *
 * The report's `stopped` is the earliest record Lambda must resume at.
 *
 * @example
 * const report = await applyAggregates(store)(changes.map((c) => deltasOf(spec, c)), batch)();
 */
export const applyAggregates =
  (store: AggregateStore) =>
  (records: ReadonlyArray<RecordDeltas>, batch: AggregationBatch): Task<AggregationReport> =>
  async () => {
    const { shardId } = batch;
    const watermarks =
      shardId !== undefined && batch.sequential && increasing(records.map((r) => r.sequenceNumber));
    if (!watermarks) return applyWithMarkers(store, batch)(records)();
    const { markerTotals, ...advanced } = await advanceTotals(store, batch)(records, shardId)();
    if (markerTotals.length === 0) return advanced;
    const stamped = new Set(markerTotals.map(canonicalKey));
    const touching = records.filter((r) => r.deltas.some((d) => stamped.has(canonicalKey(d.key))));
    const marked = await applyWithMarkers(store, batch)(touching)();
    const stopped = earlierStop(advanced.stopped, marked.stopped);
    return {
      transactions: advanced.transactions + marked.transactions,
      duplicates: advanced.duplicates + marked.duplicates,
      rejected: [...advanced.rejected, ...marked.rejected],
      ...(stopped === undefined ? {} : { stopped }),
      mode: "watermark+markers",
    };
  };
