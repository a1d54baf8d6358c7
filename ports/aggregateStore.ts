import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../domain/aggregateChunks.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import type { PipelineError } from "../domain/errors.js";
import type { ShardWatermark } from "../domain/regimeStamps.js";

/**
 * Outcome of {@link AggregateStore.apply}. `Refused`: nothing was written, because
 * - `markers`: these markers exist (their records were applied by an earlier delivery);
 * - `covered`: on these totals the batch's shard watermark is at or past the guard's `first`
 *   (records up to `watermark` were applied there by a watermark write);
 * - `watermarked`: these totals, guarded without a shard, were written by a watermark write in
 *   the last 48 hours (`stamp`: that write's stamp; `watermarks`: the shard watermarks the item
 *   carries), or their stamp changed since it was seen.
 */
export type ApplyOutcome =
  | { readonly _tag: "Applied" }
  | {
      readonly _tag: "Refused";
      readonly markers: ReadonlyArray<string>;
      readonly covered: ReadonlyArray<{ readonly key: AttributeMap; readonly watermark: string }>;
      readonly watermarked: ReadonlyArray<{
        readonly key: AttributeMap;
        readonly stamp: string | undefined;
        readonly watermarks: ReadonlyArray<ShardWatermark>;
      }>;
    };

/**
 * Watermark mode: one total moved by some records of one shard, in stream order.
 * @example const advance: TotalAdvance = { key, amount: "7", shardId: "shardId-0001", first: padded1, last: padded3 };
 */
export interface TotalAdvance {
  /** The total's key in the totals table. */
  readonly key: AttributeMap;
  /** Sum of the records' amounts (exact decimal; zero moves the watermark only). */
  readonly amount: string;
  readonly shardId: string;
  /** Sequence numbers of the first and last of the records, padded to 40 digits. */
  readonly first: string;
  readonly last: string;
}

/** Outcome of {@link AggregateStore.advance}. */
export type AdvanceOutcome =
  | { readonly _tag: "Applied" }
  /**
   * Refused, nothing written: the total's watermark for the shard (padded to 40 digits) is at
   * or past `first`, so the records up to it were applied to this total before.
   */
  | { readonly _tag: "BehindWatermark"; readonly watermark: string }
  /**
   * Refused, nothing written: a marker transaction wrote the total in the last 48 hours, so
   * records still deliverable may have been applied to it with markers: write it with markers.
   */
  | { readonly _tag: "MarkerStamped" };

/**
 * The totals table, written exactly once per stream record, in two bookkeepings that honour each
 * other (domain/regimeStamps.ts), so a batch delivered again after the mapping changed is never
 * applied twice.
 *
 * Marker mode (`apply`): a chunk's updates (ADD, each guarded against records a watermark write
 * applied, each stamping the total as written by markers) and its markers (one item per stream
 * record, expiring after the stream's retention) in one all-or-nothing transaction, refused
 * when any marker exists or any guard refuses.
 *
 * Watermark mode (`advance`, the batch's shard known, its batches sequential): one total per
 * call, in ONE conditional UpdateItem: ADD the amount, move the total's own watermark for the
 * shard to `last` and stamp it, refused unless that watermark is absent or below `first` and no
 * marker transaction wrote the total in the last 48 hours.
 *
 * @example
 * const outcome = await store.apply(chunkOf(records, plan))();
 * const moved = await store.advance({ key, amount: "3", shardId, first, last })();
 */
export interface AggregateStore {
  /** Scopes the bookkeeping (markers, watermarks, stamps): aggregations can share a table. */
  readonly aggregationId: string | undefined;
  readonly apply: (chunk: AggregateChunk) => TaskEither<PipelineError, ApplyOutcome>;
  readonly advance: (update: TotalAdvance) => TaskEither<PipelineError, AdvanceOutcome>;
}
