import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../domain/aggregateChunks.js";
import type { PipelineError } from "../domain/errors.js";

/** Outcome of {@link AggregateStore.apply}. */
export type ApplyOutcome =
  | { readonly _tag: "Applied" }
  /** Refused: these markers exist, so their records were applied before. Nothing was written. */
  | { readonly _tag: "AlreadyApplied"; readonly markers: ReadonlyArray<string> }
  /**
   * Watermark mode: refused, the shard's watermark (padded to 40 digits) is at or past the
   * chunk's first record, so the records up to it were applied before. Nothing was written.
   */
  | { readonly _tag: "BehindWatermark"; readonly watermark: string };

/**
 * The totals table, written exactly once per stream record: a chunk's updates (ADD) and its
 * markers (one item per stream record, expiring after the stream's retention) are written in one
 * all-or-nothing transaction that is refused when any marker already exists. In watermark mode
 * (the chunk names its shard) the markers are replaced by one item per shard, moved to the
 * chunk's last sequence number in the same transaction, refused unless it is below the first.
 *
 * @example
 * const outcome = await store.apply(chunkOf(records))();
 */
export interface AggregateStore {
  readonly apply: (chunk: AggregateChunk) => TaskEither<PipelineError, ApplyOutcome>;
}
