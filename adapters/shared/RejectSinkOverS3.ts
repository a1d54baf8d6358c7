import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";
import { mapServiceError } from "./mapServiceError.js";
import { documentsOf, isoNow } from "./rejectDocuments.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "./retry.js";
import type { S3PutCalls } from "./s3Calls.js";

/**
 * {@link RejectSink} over {@link S3PutCalls}: one object per rejected record, its body the reject
 * document (docs/rejects.md), at `<prefix><entryPoint>/<rejectedAt>-<sha256 of the document>.json`
 * (so a retried reject rewrites the same object). Transient PutObject failures are retried by
 * the shared retry policy; a left when an object still could not be written.
 *
 * @example
 * const sink = new RejectSinkOverS3(calls, { bucket: "ops", prefix: "rejects/" }, "csvToQueue");
 */
export class RejectSinkOverS3 implements RejectSink {
  constructor(
    private readonly calls: S3PutCalls,
    private readonly at: { readonly bucket: string; readonly prefix: string },
    private readonly entryPoint: string,
    private readonly retry: RetryEnv = defaultRetryEnv,
    private readonly now: () => string = isoNow,
  ) {}

  readonly reject = (records: ReadonlyArray<RejectedRecord>): TE.TaskEither<PipelineError, void> =>
    records.length === 0
      ? TE.right(undefined)
      : async () => {
          const now = this.now();
          for (const body of documentsOf(this.entryPoint, records, now)) {
            const put = await this.put(body, now);
            if (E.isLeft(put)) return put;
          }
          return E.right(undefined);
        };

  private async put(body: string, now: string): Promise<E.Either<PipelineError, void>> {
    const hash = createHash("sha256").update(body).digest("hex");
    const Key = `${this.at.prefix}${this.entryPoint}/${now}-${hash}.json`;
    const resource = `s3://${this.at.bucket}/${this.at.prefix}`;
    const result = await withRetries(
      () =>
        this.calls.putObject({
          Bucket: this.at.bucket,
          Key,
          Body: body,
          ContentType: "application/json",
        })(),
      (outcome) =>
        E.isRight(outcome) || mapServiceError(outcome.left, resource)._tag !== "Transient",
      unboundedDeadline,
      this.retry,
    );
    return E.isRight(result) ? E.right(undefined) : E.left(mapServiceError(result.left, resource));
  }
}
