import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../domain/aggregateChunks.js";
import type { PipelineError } from "../domain/errors.js";

/** Outcome of {@link AggregateStore.apply}. */
export type ApplyOutcome =
  | { readonly _tag: "Applied" }
  /** Refused: these markers exist, so their records were applied before. Nothing was written. */
  | { readonly _tag: "AlreadyApplied"; readonly markers: ReadonlyArray<string> };

/**
 * The totals table, written exactly once per stream record: a chunk's updates (ADD) and its
 * markers (one item per stream record, expiring after the stream's retention) are written in one
 * all-or-nothing transaction that is refused when any marker already exists.
 *
 * @example
 * const outcome = await store.apply(chunkOf(records))();
 */
export interface AggregateStore {
  readonly apply: (chunk: AggregateChunk) => TaskEither<PipelineError, ApplyOutcome>;
}
