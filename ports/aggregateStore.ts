import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../domain/aggregateChunks.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import type { PipelineError } from "../domain/errors.js";

/** Outcome of {@link AggregateStore.apply}. */
export type ApplyOutcome =
  | { readonly _tag: "Applied" }
  /** Refused: these markers exist, so their records were applied before. Nothing was written. */
  | { readonly _tag: "AlreadyApplied"; readonly markers: ReadonlyArray<string> };

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
  | { readonly _tag: "BehindWatermark"; readonly watermark: string };

/**
 * The totals table, written exactly once per stream record.
 *
 * Marker mode (`apply`): a chunk's updates (ADD) and its markers (one item per stream record,
 * expiring after the stream's retention) are written in one all-or-nothing transaction that is
 * refused when any marker already exists.
 *
 * Watermark mode (`advance`, the batch's shard known): one total per call, in ONE conditional
 * UpdateItem: ADD the amount and move the total's own watermark for the shard to `last`,
 * refused unless that watermark is absent or below `first`.
 *
 * @example
 * const outcome = await store.apply(chunkOf(records))();
 * const moved = await store.advance({ key, amount: "3", shardId, first, last })();
 */
export interface AggregateStore {
  readonly apply: (chunk: AggregateChunk) => TaskEither<PipelineError, ApplyOutcome>;
  readonly advance: (update: TotalAdvance) => TaskEither<PipelineError, AdvanceOutcome>;
}
