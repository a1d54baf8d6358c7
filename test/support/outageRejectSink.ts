import * as TE from "fp-ts/lib/TaskEither.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { transient } from "../../domain/errors.js";
import type { RejectedRecord } from "../../ports/rejectSink.js";

/**
 * An in-memory reject sink whose destination can be down: while `outage` is set, every call
 * fails (as SQS or S3 still failing after the retries) and stores nothing.
 * @example const rejects = new OutageRejectSink(); rejects.outage = true;
 */
export class OutageRejectSink extends InMemoryRejectSink {
  outage = false;
  /** Calls refused during outages. */
  refused = 0;

  override readonly reject = (records: ReadonlyArray<RejectedRecord>) => {
    if (!this.outage) return TE.fromIO(() => void this.records.push(...records));
    this.refused += 1;
    return TE.left(transient("SendMessageBatch", "reject destination unavailable (test outage)"));
  };
}
