import type { Context } from "aws-lambda";
import { localContext } from "./localContext.js";

/** A shard to read from: records after a sequence number (exclusive), oldest first. */
export interface ShardReader<R> {
  readonly read: (afterSequence: string | undefined, limit: number) => ReadonlyArray<R>;
}

/** What a stream handler answers: a partial batch response, or nothing (all succeeded). */
export type StreamBatchResponse =
  | { batchItemFailures: ReadonlyArray<{ itemIdentifier?: string }> }
  | undefined;

/** A stream handler as Lambda calls it (DynamoDB or Kinesis stream event). */
export type StreamHandler<R> = (
  event: { Records: R[] },
  context: Context,
) => Promise<StreamBatchResponse>;

/** The handler's answer to one invocation, or the error it threw. */
export type StreamResponse = StreamBatchResponse | { readonly error: unknown };

/** What one invocation did: records completed (checkpointed), whether some failed, the response. */
export interface StepResult {
  readonly completed: number;
  readonly failed: boolean;
  readonly response: StreamResponse;
}

/** How the runner behaves, as the matching event source mapping settings would. */
export interface StreamRunnerOptions<R> {
  readonly batchSize: number;
  readonly sequenceOf: (record: R) => string;
  /** Attempts of one batch before giving up with an error (Lambda's default is to retry until the record expires). */
  readonly maxAttempts?: number;
  /** Called before each invocation; lets tests redeliver or inject faults. */
  readonly onInvoke?: (batch: ReadonlyArray<R>, attempt: number) => void;
  readonly context?: () => Context;
}

/** What a run did. */
export interface StreamRunStats {
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly records: number;
}

/**
 * Feeds a stream handler the way Lambda's event source mapping does for one shard: batches of up
 * to `batchSize` records in order; a thrown error retries the same batch; a partial batch response
 * checkpoints before the reported record and resumes from it; an identifier that is missing or
 * not in the batch fails the whole batch. Stops when the shard has no new records.
 *
 * @example
 * await new StreamEventSourceRunner(db.stream("orders"), handler, { batchSize: 100, sequenceOf: (r) => r.dynamodb!.SequenceNumber! }).drain();
 */
export class StreamEventSourceRunner<R> {
  private checkpoint: string | undefined;

  constructor(
    private readonly shard: ShardReader<R>,
    private readonly handler: StreamHandler<R>,
    private readonly options: StreamRunnerOptions<R>,
  ) {}

  private attempt = 0;

  /**
   * One invocation on the next batch, as Lambda would make it: returns how many records it
   * completed (the checkpoint moves past them) and the handler's response, or undefined when
   * the shard has no new record.
   */
  async step(): Promise<StepResult | undefined> {
    const batch = this.shard.read(this.checkpoint, this.options.batchSize);
    if (batch.length === 0) return undefined;
    if (this.attempt >= (this.options.maxAttempts ?? 1_000))
      throw new Error(
        `batch starting at ${this.options.sequenceOf(batch[0] as R)} failed ${this.attempt} times`,
      );
    this.options.onInvoke?.(batch, this.attempt);
    const { next, response } = await this.invoke(batch);
    const done =
      next === "whole-batch-failed"
        ? 0
        : next === undefined
          ? batch.length
          : batch.findIndex((r) => this.options.sequenceOf(r) === next);
    this.attempt = done === 0 ? this.attempt + 1 : 0;
    if (done > 0) this.checkpoint = this.options.sequenceOf(batch[done - 1] as R);
    return { completed: done, failed: done < batch.length, response };
  }

  /** Processes every record available now (and those added while running). */
  async drain(): Promise<StreamRunStats> {
    let invocations = 0;
    let failedInvocations = 0;
    let records = 0;
    for (;;) {
      const step = await this.step();
      if (step === undefined) return { invocations, failedInvocations, records };
      invocations += 1;
      records += step.completed;
      if (step.failed) failedInvocations += 1;
    }
  }

  /** Returns the sequence number to resume from, undefined when all succeeded. */
  private async invoke(
    batch: ReadonlyArray<R>,
  ): Promise<{ next: string | undefined | "whole-batch-failed"; response: StreamResponse }> {
    try {
      const context = this.options.context?.() ?? localContext("stream-consumer");
      const response = await this.handler({ Records: [...batch] }, context);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return { next: undefined, response };
      const sequences = batch.map(this.options.sequenceOf);
      const indexes = failures.map((f) =>
        f.itemIdentifier ? sequences.indexOf(f.itemIdentifier) : -1,
      );
      if (indexes.some((i) => i < 0)) return { next: "whole-batch-failed", response };
      return { next: sequences[Math.min(...indexes)], response };
    } catch (error) {
      return { next: "whole-batch-failed", response: { error } };
    }
  }
}
