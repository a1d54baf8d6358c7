import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";

/**
 * {@link RejectSink} that keeps rejected records in memory, for offline runs and tests.
 * @example const rejects = new InMemoryRejectSink(); …; expect(rejects.records).toHaveLength(1);
 */
export class InMemoryRejectSink implements RejectSink {
  readonly records: RejectedRecord[] = [];
  readonly reject = async (records: ReadonlyArray<RejectedRecord>): Promise<void> => {
    this.records.push(...records);
  };
}
