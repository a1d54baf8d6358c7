import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { InMemorySqs } from "../services/InMemorySqs.js";
import { localContext } from "./localContext.js";

/** A Lambda handler for SQS events, with or without partial batch responses. */
export type SqsHandler = (
  event: SQSEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: Lambda's own SQSHandler returns SQSBatchResponse | void
) => Promise<SQSBatchResponse | void>;

/** How the runner polls. */
export interface SqsEventSourceOptions {
  /** Advances the virtual clock the queue runs on (to let failed messages reappear). */
  readonly advanceClock: (ms: number) => void;
  /** The clock the queue runs on (for the invocation deadline). */
  readonly clock: () => number;
  /** Messages per invocation, 1–10 (Lambda's BatchSize). Default 10. */
  readonly batchSize?: number;
  /** Most receive rounds before giving up. Default 1000. */
  readonly maxRounds?: number;
  /** The function's timeout, for `context.getRemainingTimeInMillis`. Default 30 s. */
  readonly timeoutMs?: number;
}

/** What a run did. */
export interface SqsEventSourceStats {
  readonly invocations: number;
  /** Messages deleted after their invocation succeeded for them. */
  readonly deleted: number;
  /** Messages reported failed (or in a batch whose handler threw). */
  readonly failed: number;
  /** Invocations that threw. */
  readonly errors: number;
  /** Messages moved to the dead-letter queue during the run. */
  readonly redriven: number;
  /** Whether the queue was empty at the end. */
  readonly drained: boolean;
}

/**
 * Feeds an SQS handler the way Lambda's event source mapping does (with
 * `ReportBatchItemFailures`): receive up to `batchSize` messages, invoke, delete the messages not
 * listed in `batchItemFailures` (none when the handler threw, or when an identifier is not in the
 * batch — Lambda then fails the whole batch), and leave failed ones to reappear after the
 * visibility timeout by advancing the virtual clock. Runs until the queue is drained or
 * `maxRounds` receives were made.
 *
 * @example
 * const stats = await new SqsEventSourceRunner(sqs, "replica", handler, { clock, advanceClock }).run();
 */
export class SqsEventSourceRunner {
  constructor(
    private readonly sqs: InMemorySqs,
    private readonly queue: string,
    private readonly handler: SqsHandler,
    private readonly options: SqsEventSourceOptions,
  ) {}

  /** Polls until the queue is drained or the rounds run out. */
  async run(): Promise<SqsEventSourceStats> {
    const { batchSize = 10, maxRounds = 1000, timeoutMs = 30_000 } = this.options;
    const redrivenBefore = this.sqs.counts(this.queue).redriven;
    let invocations = 0;
    let deleted = 0;
    let failed = 0;
    let errors = 0;
    let drained = false;
    for (let round = 0; round < maxRounds; round++) {
      const records = this.sqs.receive(this.queue, batchSize);
      if (records.length === 0) {
        const { visible, inFlight } = this.sqs.counts(this.queue);
        if (visible === 0 && inFlight === 0) {
          drained = true;
          break;
        }
        const next = this.sqs.nextVisibleAt(this.queue);
        if (next !== undefined) this.options.advanceClock(next - this.options.clock());
        continue;
      }
      invocations += 1;
      let failedIds: ReadonlySet<string>;
      try {
        const context = localContext(`sqs-${invocations}`, timeoutMs, this.options.clock);
        const response = await this.handler({ Records: records }, context);
        const ids = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
        const known = new Set(records.map((r) => r.messageId));
        failedIds = ids.every((id) => known.has(id)) ? new Set(ids) : known;
      } catch {
        errors += 1;
        failedIds = new Set(records.map((r) => r.messageId));
      }
      for (const record of records) {
        if (failedIds.has(record.messageId)) failed += 1;
        else if (this.sqs.deleteMessage(record.receiptHandle)) deleted += 1;
      }
    }
    return {
      invocations,
      deleted,
      failed,
      errors,
      redriven: this.sqs.counts(this.queue).redriven - redrivenBefore,
      drained,
    };
  }
}
