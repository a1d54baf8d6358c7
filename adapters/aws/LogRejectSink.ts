import * as TE from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../../domain/errors.js";
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

  readonly reject = (records: ReadonlyArray<RejectedRecord>): TE.TaskEither<PipelineError, void> =>
    TE.fromIO(() => this.log(records));

  private log(records: ReadonlyArray<RejectedRecord>): void {
    for (const { error, identity } of records) {
      const line = {
        level: "ERROR",
        rejected: true,
        pipeline: this.pipeline,
        record: error.recordId,
        field: error.field,
        reason: error.reason,
      };
      this.write(stringifyWith(line, identity));
    }
  }
}

/**
 * The line with the record's identity, or without it when the identity cannot be serialized
 * (hostile input: keys nested thousands deep overflow JSON.stringify), so a reject is always
 * logged and never makes the handler throw.
 */
const stringifyWith = (line: Record<string, unknown>, identity: unknown): string => {
  try {
    return JSON.stringify({ ...line, identity });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return JSON.stringify({ ...line, identity: `not serializable (${reason})` });
  }
};
