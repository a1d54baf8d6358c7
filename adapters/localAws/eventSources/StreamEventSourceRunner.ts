import type { Context } from "aws-lambda";
import { localContext } from "./localContext.js";
import { type StreamWindowOptions, type WindowFields, WindowTracker } from "./streamWindows.js";

/** A shard to read from: records after a sequence number (exclusive), oldest first. */
export interface ShardReader<R> {
  readonly read: (afterSequence: string | undefined, limit: number) => ReadonlyArray<R>;
}

/** What a stream handler answers: a partial batch response (with the window's state), or nothing. */
export type StreamBatchResponse =
  | {
      batchItemFailures: ReadonlyArray<{ itemIdentifier?: string }>;
      state?: Record<string, unknown>;
    }
  | undefined;

/** A stream handler as Lambda calls it (DynamoDB or Kinesis stream event, windowed or not). */
export type StreamHandler<R> = (
  event: { Records: R[] } & WindowFields,
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
  /** BisectBatchOnFunctionError: after a failed invocation the batch is split in two and retried. */
  readonly bisectOnError?: boolean;
  /**
   * ParallelizationFactor: up to this many consecutive batches of the shard are invoked
   * concurrently (started in `order`); the checkpoint stops at the first failure, so the
   * batches after it are delivered again.
   */
  readonly parallelizationFactor?: number;
  /** The order in which concurrent batches start (a permutation of 0…n-1; default in order). */
  readonly order?: (n: number) => ReadonlyArray<number>;
  /** TumblingWindowInSeconds > 0: events carry the shard id, window and state (see {@link WindowTracker}). */
  readonly window?: StreamWindowOptions;
}

/** What a run did. */
export interface StreamRunStats {
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly records: number;
}

/**
 * Feeds a stream handler the way Lambda's event source mapping does for one shard: batches of up
 * to `batchSize` records in order; a thrown error retries the same batch (halved each time with
 * `bisectOnError`); a partial batch response checkpoints before the reported record and resumes
 * from it; an identifier that is missing or not in the batch fails the whole batch. With a
 * tumbling window, each event carries `shardId`, `window` and the `state` the previous
 * invocation of the window returned, a response without `state` fails the batch, and a final
 * invocation (`isFinalInvokeForWindow`) closes the window. With a ParallelizationFactor above 1,
 * consecutive batches run concurrently. Stops when the shard has no new records.
 *
 * @example
 * await new StreamEventSourceRunner(db.stream("orders"), handler, { batchSize: 100, sequenceOf: (r) => r.dynamodb!.SequenceNumber! }).drain();
 */
export class StreamEventSourceRunner<R> {
  private checkpoint: string | undefined;
  private attempt = 0;
  private limit: number;
  private windows: WindowTracker | undefined;

  constructor(
    private readonly shard: ShardReader<R>,
    private readonly handler: StreamHandler<R>,
    private options: StreamRunnerOptions<R>,
  ) {
    this.limit = options.batchSize;
    this.windows = options.window === undefined ? undefined : new WindowTracker(options.window);
  }

  /**
   * The mapping was updated (UpdateEventSourceMapping): polling restarts from the checkpoint with
   * the new settings; a batch being halved, the open window and its state are dropped.
   * @example runner.reconfigure({ parallelizationFactor: 2 }) // the window removed, PF 2
   */
  reconfigure(
    settings: Pick<
      StreamRunnerOptions<R>,
      "bisectOnError" | "parallelizationFactor" | "order" | "window"
    >,
  ): void {
    const { bisectOnError, parallelizationFactor, order, window, ...kept } = this.options;
    this.options = { ...kept, ...settings };
    this.limit = this.options.batchSize;
    this.attempt = 0;
    this.windows = settings.window === undefined ? undefined : new WindowTracker(settings.window);
  }

  /** The event Lambda would build for these records now (window fields included, if any). */
  eventFor(records: ReadonlyArray<R>): { Records: R[] } & WindowFields {
    return { Records: [...records], ...(this.windows?.fields() ?? {}) };
  }

  /**
   * One invocation (or, with a ParallelizationFactor, one round of concurrent invocations) on
   * the next batch, as Lambda would make it: returns how many records it completed (the
   * checkpoint moves past them) and the handler's response, or undefined when the shard has no
   * new record and no window to close.
   */
  async step(): Promise<StepResult | undefined> {
    const parallel = Math.max(1, this.options.parallelizationFactor ?? 1);
    const read = this.shard.read(this.checkpoint, this.limit * parallel);
    if (read.length === 0) return this.closeWindow();
    if (this.attempt >= (this.options.maxAttempts ?? 1_000))
      throw new Error(
        `batch starting at ${this.options.sequenceOf(read[0] as R)} failed ${this.attempt} times`,
      );
    const batches: R[][] = [];
    for (let i = 0; i < read.length; i += this.limit) batches.push(read.slice(i, i + this.limit));
    const order = this.options.order?.(batches.length) ?? batches.map((_, i) => i);
    const outcomes: Array<Promise<{ done: number; response: StreamResponse }>> = [];
    for (const i of order) {
      const batch = batches[i] ?? [];
      this.options.onInvoke?.(batch, this.attempt);
      outcomes[i] = this.invoke(batch);
    }
    const results = await Promise.all(batches.map((_, i) => outcomes[i]));
    let done = 0;
    let response: StreamResponse;
    for (const [i, result] of results.entries()) {
      response = result?.response;
      done += result?.done ?? 0;
      if ((result?.done ?? 0) < (batches[i]?.length ?? 0)) break;
    }
    this.attempt = done === 0 ? this.attempt + 1 : 0;
    if (done > 0) this.checkpoint = this.options.sequenceOf(read[done - 1] as R);
    const failed = done < read.length;
    this.limit =
      failed && done === 0 && this.options.bisectOnError
        ? Math.max(1, Math.ceil(Math.min(this.limit, read.length) / 2))
        : this.options.batchSize;
    return { completed: done, failed, response };
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

  /** The final invocation of the open window, if any (no records, `isFinalInvokeForWindow`). */
  private async closeWindow(): Promise<StepResult | undefined> {
    const fields = this.windows?.finalFields();
    if (fields === undefined) return undefined;
    const { next, response } = await this.call({ Records: [], ...fields });
    const failed = next === "whole-batch-failed";
    if (!failed) this.windows?.closed();
    return { completed: 0, failed, response };
  }

  /** How many records of the batch completed, and the response. */
  private async invoke(
    batch: ReadonlyArray<R>,
  ): Promise<{ done: number; response: StreamResponse }> {
    const { next, response } = await this.call(this.eventFor(batch));
    if (next === "whole-batch-failed") return { done: 0, response };
    if (next === undefined) return { done: batch.length, response };
    return { done: batch.findIndex((r) => this.options.sequenceOf(r) === next), response };
  }

  /** Returns the sequence number to resume from, undefined when all succeeded. */
  private async call(
    event: { Records: R[] } & WindowFields,
  ): Promise<{ next: string | undefined | "whole-batch-failed"; response: StreamResponse }> {
    try {
      const context = this.options.context?.() ?? localContext("stream-consumer");
      const response = await this.handler(event, context);
      // With a tumbling window, a response without a state object is a failed invocation.
      if (this.windows !== undefined && (typeof response?.state !== "object" || !response.state))
        return { next: "whole-batch-failed", response };
      if (this.windows !== undefined && response?.state) this.windows.keep(response.state);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return { next: undefined, response };
      const sequences = event.Records.map(this.options.sequenceOf);
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
