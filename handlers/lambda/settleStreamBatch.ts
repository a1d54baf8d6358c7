import type { InvalidRecord } from "../../domain/errors.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";
import type { IndexedReject } from "../../ports/useCases/batchReport.js";
import { type BatchCounts, streamCounts } from "./batchMetrics.js";
import { type StreamBatchResponse, streamResponse } from "./batchResponse.js";
import { reportStreamRejects } from "./streamRejects.js";

/** How a stream batch ended: see {@link settleStreamBatch}. */
export interface SettledStreamBatch {
  /** The rejects before the checkpoint (reported in this invocation). */
  readonly rejectsNow: ReadonlyArray<IndexedReject>;
  /** The response from the checkpoint alone. */
  readonly response: StreamBatchResponse;
  /** The response to return: `response`, or moved back to the first reject the sink refused. */
  readonly reported: StreamBatchResponse;
  /** The batch's metrics: `skipped` records found already applied; `rejectedEvent`: no records. */
  readonly counts: (skipped: number, rejectedEvent: boolean) => BatchCounts;
}

/**
 * The end of every stream entry point's batch (DynamoDB stream or Kinesis): the response from
 * the checkpoint (the first record not done, or none), the rejects before it handed to the sink
 * (records from the checkpoint on are delivered again: reported then, not twice), the response
 * moved back when the sink could not store them, and the batch's counts from that response.
 *
 * @example
 * const settled = await settleStreamBatch(deps.rejects, records, (i) => records[i]?.dynamodb?.SequenceNumber, first?.index, report.rejected, rejectionOf);
 * deps.metrics?.(settled.counts(0, false));
 * return settled.reported;
 */
export const settleStreamBatch = async <R>(
  sink: RejectSink,
  records: ReadonlyArray<R>,
  sequenceNumberAt: (index: number) => string | undefined,
  checkpoint: number | undefined,
  rejected: ReadonlyArray<IndexedReject>,
  rejectionOf: (error: InvalidRecord, record: R | undefined) => RejectedRecord,
  /** Positions of rejects the use case already stored (counted, not handed to the sink again). */
  stored: ReadonlyArray<number> = [],
): Promise<SettledStreamBatch> => {
  const { rejectsNow, response } = streamResponse(
    records.length,
    sequenceNumberAt,
    checkpoint,
    rejected,
  );
  const reported = await reportStreamRejects(
    sink,
    rejectsNow.map((r) => ({ index: r.index, record: rejectionOf(r.error, records[r.index]) })),
    response,
    sequenceNumberAt,
  );
  const rejectedAt = [...rejectsNow.map((r) => r.index), ...stored];
  return {
    rejectsNow,
    response,
    reported,
    counts: (skipped, rejectedEvent) =>
      streamCounts(records.length, sequenceNumberAt, reported, rejectedAt, skipped, rejectedEvent),
  };
};
