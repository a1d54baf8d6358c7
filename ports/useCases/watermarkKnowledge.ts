import * as E from "fp-ts/lib/Either.js";
import type { ChunkPlan } from "../../domain/aggregateChunks.js";
import type { RecordDeltas } from "../../domain/aggregateDeltas.js";
import { paddedSequence } from "../../domain/aggregateWatermark.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import type { PipelineError } from "../../domain/errors.js";
import type { ShardWatermark } from "../../domain/regimeStamps.js";
import type { ApplyOutcome } from "../aggregateStore.js";
import type { AggregationBatch } from "./aggregationReport.js";
import { shardOfBatch, type WatermarkedTotal } from "./shardOfBatch.js";

/** A refused marker transaction's outcome. */
export type Refusal = ApplyOutcome & { readonly _tag: "Refused" };

/**
 * What marker mode knows, during one batch, of the watermarks that may cover its records, and
 * the guards it plans from that ({@link ChunkPlan}).
 * @example const knowledge = watermarkKnowledge(store.aggregationId, batch); chunkOf(pending, knowledge.plan);
 */
export interface WatermarkKnowledge {
  readonly plan: ChunkPlan;
  /** Learns from a refusal of `pending`'s chunk; `false` when it taught nothing new. */
  readonly learn: (
    refusal: Refusal,
    pending: ReadonlyArray<RecordDeltas>,
  ) => Promise<E.Either<PipelineError, boolean>>;
}

const pairOf = (eventId: string, key: AttributeMap) => `${eventId}\u0000${canonicalKey(key)}`;

/**
 * The watermark knowledge of one batch in marker mode:
 * - (record, total) pairs a watermark of the batch's shard covers (named by refusals): left out;
 * - the batch's shard, from the event or looked up in the stream ({@link shardOfBatch}): each
 *   total is then guarded by that shard's watermark;
 * - without the shard, each total's stamp and watermarks as a refusal returned them, and the
 *   shards proven not to be the batch's: a chunk's records on a total are written while its
 *   stamp is the one seen only when none of its watermarks that may be the batch's shard's is at
 *   or past them (judged for those very records, whichever chunk they are in); otherwise the
 *   total is guarded again, refused again, and judged again.
 *
 * @example
 * const knowledge = watermarkKnowledge(store.aggregationId, batch);
 * const outcome = await store.apply(chunkOf(pending, knowledge.plan))();
 */
export const watermarkKnowledge = (
  aggregationId: string | undefined,
  batch: AggregationBatch,
): WatermarkKnowledge => {
  let shardId = batch.shardId;
  const covered = new Set<string>();
  const seen = new Map<
    string,
    { readonly stamp: string | undefined; readonly watermarks: ReadonlyArray<ShardWatermark> }
  >();
  /** Watermark attributes of shards read back and found not to hold the batch's records. */
  const notTheBatchShard = new Set<string>();
  const mayBeOurs = (watermarks: ReadonlyArray<ShardWatermark>) =>
    watermarks.filter((w) => !notTheBatchShard.has(w.attribute));

  const plan: ChunkPlan = {
    covered: (eventId, key) => covered.has(pairOf(eventId, key)),
    guardOf: (key, first) => {
      if (first === undefined) return { _tag: "None" };
      if (shardId !== undefined) return { _tag: "ShardWatermarkAtOrPast", shardId, first };
      const known = seen.get(canonicalKey(key));
      return known !== undefined && mayBeOurs(known.watermarks).every((w) => w.padded < first)
        ? { _tag: "WatermarkStampChanged", stamp: known.stamp }
        : { _tag: "RecentWatermarkWrite" };
    },
  };

  const learn: WatermarkKnowledge["learn"] = async (refusal, pending) => {
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
    for (const { key, stamp, watermarks } of refusal.watermarked) {
      const before = seen.get(canonicalKey(key));
      if (
        before === undefined ||
        before.stamp !== stamp ||
        before.watermarks.length !== watermarks.length
      )
        progress = true;
      seen.set(canonicalKey(key), { stamp, watermarks });
    }
    const totals: WatermarkedTotal[] = refusal.watermarked.map((total) => ({
      key: total.key,
      stamp: total.stamp,
      watermarks: mayBeOurs(total.watermarks),
      pending: pending.flatMap((record) => {
        const padded = paddedSequence(record.sequenceNumber);
        const on = record.deltas.some((d) => canonicalKey(d.key) === canonicalKey(total.key));
        return on && padded !== undefined && !covered.has(pairOf(record.eventId, total.key))
          ? [padded]
          : [];
      }),
    }));
    const found = await shardOfBatch(aggregationId, batch, totals)();
    if (E.isLeft(found)) return found;
    if (found.right._tag === "Found") {
      shardId = found.right.shardId;
      return E.right(true);
    }
    for (const attribute of found.right.attributes)
      if (!notTheBatchShard.has(attribute)) {
        notTheBatchShard.add(attribute);
        progress = true;
      }
    return E.right(progress);
  };

  return { plan, learn };
};
