import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";

/**
 * {@link RejectSink} that writes one structured JSON line per rejected record to standard error,
 * which Lambda ships to CloudWatch Logs (filter on `"level":"ERROR"` and `"rejected":true`).
 * @example const rejects = new LogRejectSink("streamAggregate");
 */
export class LogRejectSink implements RejectSink {
  constructor(
    private readonly pipeline: string,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  readonly reject = async (records: ReadonlyArray<RejectedRecord>): Promise<void> => {
    for (const { error, identity } of records) {
      this.write(
        JSON.stringify({
          level: "ERROR",
          rejected: true,
          pipeline: this.pipeline,
          record: error.recordId,
          field: error.field,
          reason: error.reason,
          identity,
        }),
      );
    }
  };
}
