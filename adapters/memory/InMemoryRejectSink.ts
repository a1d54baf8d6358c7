import * as TE from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../../domain/errors.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";

/**
 * {@link RejectSink} that keeps rejected records in memory, for offline runs and tests.
 * @example const rejects = new InMemoryRejectSink(); …; expect(rejects.records).toHaveLength(1);
 */
export class InMemoryRejectSink implements RejectSink {
  readonly records: RejectedRecord[] = [];
  readonly reject = (records: ReadonlyArray<RejectedRecord>): TE.TaskEither<PipelineError, void> =>
    TE.fromIO(() => {
      this.records.push(...records);
    });
}
