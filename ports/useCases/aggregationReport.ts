import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { paddedSequence } from "../../domain/aggregateWatermark.js";
import type { InvalidRecord, PipelineError } from "../../domain/errors.js";
import type { StreamRecordRef, StreamShards } from "../streamShards.js";

/**
 * Where a batch stopped: the failure, and the sequence number Lambda must resume from.
 * @example const stop: AggregationStop = { error: transient("UpdateItem", "throttled"), resumeAt: "4421584500000000017450439091" };
 */
export interface AggregationStop {
  readonly error: PipelineError;
  readonly resumeAt: string;
}

/**
 * What the aggregation did with a batch.
 * @example const report: AggregationReport = { transactions: 2, duplicates: 0, rejected: [], mode: "markers" };
 */
export interface AggregationReport {
  /** Writes committed: transactions (marker mode) and conditional updates (watermark mode). */
  readonly transactions: number;
  /** Records found already applied (a redelivery) and skipped. */
  readonly duplicates: number;
  /**
   * Records the store refused as invalid on their own (e.g. a total overflowing 38 digits),
   * whose rejects were stored before the bookkeeping moved past them.
   */
  readonly rejected: ReadonlyArray<InvalidRecord>;
  /** Set when it stopped early. */
  readonly stopped?: AggregationStop;
  /** Which bookkeeping ran: watermarks, markers, or both (totals stamped by markers). */
  readonly mode: "watermark" | "markers" | "watermark+markers";
}

/**
 * What the aggregation needs besides the store, for one batch.
 * @example const batch: AggregationBatch = { shardId: "shardId-0001", sequential: true, rejectRecord };
 */
export interface AggregationBatch {
  /** The batch's shard, when the event names it (a tumbling window). */
  readonly shardId?: string | undefined;
  /** Whether the shard's batches run one at a time (ParallelizationFactor known to be 1). */
  readonly sequential: boolean;
  /** A record of the batch, to look its shard up when the event does not name it. */
  readonly source?: StreamRecordRef | undefined;
  /** Where the shard is looked up (none: a record that needs it fails the batch). */
  readonly shards?: StreamShards | undefined;
  /**
   * Stores the reject of a record the store refused, BEFORE the bookkeeping moves past it (a
   * left: not stored, so the record is retried, never counted as done).
   */
  readonly rejectRecord: (eventId: string, error: InvalidRecord) => TaskEither<PipelineError, void>;
}

/**
 * The earlier of two stops (by sequence number), either possibly absent.
 * @example earlierStop(a, undefined) // a
 */
export const earlierStop = (
  a: AggregationStop | undefined,
  b: AggregationStop | undefined,
): AggregationStop | undefined => {
  if (a === undefined || b === undefined) return a ?? b;
  const pa = paddedSequence(a.resumeAt) ?? a.resumeAt;
  const pb = paddedSequence(b.resumeAt) ?? b.resumeAt;
  return pb < pa ? b : a;
};
