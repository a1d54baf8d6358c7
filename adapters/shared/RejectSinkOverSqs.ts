import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";
import { MessageQueueOverSqs } from "./MessageQueueOverSqs.js";
import { documentsOf, isoNow } from "./rejectDocuments.js";
import { defaultRetryEnv, type RetryEnv } from "./retry.js";
import type { SqsCalls } from "./sqsCalls.js";

/**
 * {@link RejectSink} over {@link SqsCalls}: one message per rejected record, its body the reject
 * document (docs/rejects.md), sent with SendMessageBatch by {@link MessageQueueOverSqs} (≤ 10 per
 * call, failed entries retried by the shared retry policy). On a FIFO queue the group is the
 * entry point and the deduplication id the SHA-256 of the document. A left when any document
 * could not be sent: the caller reports its records failed.
 *
 * @example
 * const sink = new RejectSinkOverSqs(awsSqsCalls(new SQSClient({})), "https://sqs.eu-west-1.amazonaws.com/123456789012/rejects", "queueToTable");
 */
export class RejectSinkOverSqs implements RejectSink {
  private readonly queue: MessageQueueOverSqs;

  constructor(
    calls: SqsCalls,
    queueUrl: string,
    private readonly entryPoint: string,
    retry: RetryEnv = defaultRetryEnv,
    private readonly now: () => string = isoNow,
  ) {
    this.queue = new MessageQueueOverSqs(calls, queueUrl, retry);
  }

  readonly reject = (records: ReadonlyArray<RejectedRecord>): TE.TaskEither<PipelineError, void> =>
    records.length === 0
      ? TE.right(undefined)
      : async () => {
          const bodies = documentsOf(this.entryPoint, records, this.now());
          const messages = bodies.map((body, index) => ({
            id: String(index),
            body,
            ...(this.queue.fifo
              ? {
                  groupId: this.entryPoint,
                  deduplicationId: createHash("sha256").update(body).digest("hex"),
                }
              : {}),
          }));
          const report = await this.queue.send(messages, unboundedDeadline)();
          if (E.isLeft(report)) return report;
          const [first] = report.right.failed;
          return first === undefined ? E.right(undefined) : E.left(first.error);
        };
}
