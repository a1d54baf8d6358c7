import type { Context } from "aws-lambda";
import { unboundedDeadline } from "../../../domain/deadline.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "../../shared/retry.js";
import { localContext } from "../eventSources/localContext.js";
import type { StreamHandler } from "../eventSources/StreamEventSourceRunner.js";

/** One shard of a stream, with its parent (read the parent to its end first, as Lambda does). */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
}

/** Where a shard iterator starts. */
export type ShardPosition =
  | { readonly type: "TRIM_HORIZON" | "LATEST" }
  | {
      readonly type: "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER";
      readonly sequenceNumber: string;
    };

/** One GetRecords answer, the records already in Lambda's event shape. */
export interface ShardRead<R> {
  readonly records: ReadonlyArray<R>;
  /** `undefined` once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
  /** False when the service says more records follow (Kinesis `MillisBehindLatest` > 0). */
  readonly caughtUp: boolean;
}

/** The stream service calls a {@link ShardPoller} needs (DynamoDB Streams or Kinesis). */
export interface ShardApi<R> {
  readonly listShards: () => Promise<ReadonlyArray<ShardInfo>>;
  readonly shardIterator: (shardId: string, position: ShardPosition) => Promise<string>;
  readonly getRecords: (shardId: string, iterator: string, limit: number) => Promise<ShardRead<R>>;
  readonly sequenceOf: (record: R) => string;
}

/** How a poller behaves, as the matching event source mapping settings would. */
export interface ShardPollerOptions<R> {
  /** Records per invocation (Lambda's `BatchSize`). Default 100. */
  readonly batchSize?: number;
  /** Where a shard with no checkpoint starts. Default `TRIM_HORIZON`. */
  readonly startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** Consecutive rounds without a record (over all shards) after which `run()` returns. Default 3. */
  readonly maxEmptyPolls?: number;
  /** Pause after a round without records, in ms. Default 200. */
  readonly pollIntervalMs?: number;
  /** Invocations of one batch without progress before `run()` throws (default: the policy's, 8). */
  readonly maxAttempts?: number;
  /** Backoff between failed invocations (default: {@link defaultRetryEnv}, real timers). */
  readonly retryEnv?: RetryEnv;
  /** Name and timeout of the Lambda context passed to the handler. */
  readonly functionName?: string;
  readonly timeoutMs?: number;
  /** Called before each invocation (tests: count, redeliver, inject faults). */
  readonly onInvoke?: (batch: ReadonlyArray<R>, attempt: number) => void;
}

/** What `run()` did. */
export interface ShardPollStats {
  readonly invocations: number;
  /** Invocations that threw or reported a failed record. */
  readonly failedInvocations: number;
  /** Records acknowledged (processed, or skipped by the handler as rejects). */
  readonly records: number;
}

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  /** The last acknowledged sequence number. */
  checkpoint: string | undefined;
  /** The first record to read again (a failed one), before anything after the checkpoint. */
  retryAt: string | undefined;
  finished: boolean;
}

type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "resume"; readonly index: number }
  | { readonly kind: "failed"; readonly error: unknown; readonly attempts?: number };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Lambda's stream event source mapping (DynamoDB Streams, Kinesis) for local runs, over any
 * {@link ShardApi}: reads every shard (parents before children) with GetRecords, invokes the
 * handler with batches of up to `batchSize` records in order, and checkpoints per shard. A handler
 * that throws (or names a record not in the batch) gets the SAME batch again, with backoff
 * through {@link withRetries}; a partial batch response (`batchItemFailures`) checkpoints before
 * the earliest reported record and re-reads the shard from it (`AT_SEQUENCE_NUMBER`). After
 * `maxAttempts` invocations without progress, `run()` throws, naming the batch. `run()` returns
 * after `maxEmptyPolls` rounds in a row gave no record; calling it again resumes from the
 * checkpoints.
 *
 * @example
 * const poller = new ShardPoller(api, handler, { batchSize: 2 });
 * const stats = await poller.run(); // { invocations: 2, failedInvocations: 0, records: 4 }
 */
export class ShardPoller<R> {
  private readonly shards = new Map<string, ShardState>();

  constructor(
    private readonly api: ShardApi<R>,
    private readonly handler: StreamHandler<R>,
    private readonly options: ShardPollerOptions<R> = {},
  ) {}

  /** Polls until `maxEmptyPolls` rounds in a row found nothing. */
  async run(): Promise<ShardPollStats> {
    const stats = { invocations: 0, failedInvocations: 0, records: 0 };
    const { maxEmptyPolls = 3, pollIntervalMs = 200 } = this.options;
    await this.refreshShards();
    let empty = 0;
    while (empty < maxEmptyPolls) {
      let progressed = false;
      for (const shard of this.readyShards()) {
        const { read, shardEnded } = await this.pollShard(shard, stats);
        progressed ||= read;
        if (shardEnded) await this.refreshShards();
      }
      empty = progressed ? 0 : empty + 1;
      if (!progressed && empty < maxEmptyPolls) await sleep(pollIntervalMs);
    }
    return stats;
  }

  private async refreshShards(): Promise<void> {
    for (const { shardId, parentShardId } of await this.api.listShards())
      if (!this.shards.has(shardId))
        this.shards.set(shardId, {
          shardId,
          parentShardId,
          iterator: undefined,
          checkpoint: undefined,
          retryAt: undefined,
          finished: false,
        });
  }

  /** Unfinished shards whose parent is finished or unknown (expired). */
  private readyShards(): ReadonlyArray<ShardState> {
    return [...this.shards.values()].filter((shard) => {
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      return !shard.finished && (parent === undefined || parent.finished);
    });
  }

  private async pollShard(
    shard: ShardState,
    stats: { invocations: number; failedInvocations: number; records: number },
  ): Promise<{ readonly read: boolean; readonly shardEnded: boolean }> {
    shard.iterator ??= await this.api.shardIterator(shard.shardId, this.startOf(shard));
    let page: ShardRead<R>;
    try {
      page = await this.api.getRecords(shard.shardId, shard.iterator, this.batchSize());
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name !== "ExpiredIteratorException") throw error;
      shard.iterator = undefined;
      return { read: true, shardEnded: false };
    }
    const batch = page.records;
    if (batch.length === 0) {
      shard.iterator = page.nextIterator;
      shard.finished = page.nextIterator === undefined;
      return { read: !page.caughtUp, shardEnded: shard.finished };
    }
    const outcome = await this.deliver(batch, stats);
    if (outcome.kind === "failed") {
      // The next run() reads this batch again.
      shard.retryAt = this.api.sequenceOf(batch[0] as R);
      shard.iterator = undefined;
      throw new Error(
        `${shard.shardId}: the batch starting at ${shard.retryAt} failed ${outcome.attempts} times`,
        { cause: outcome.error },
      );
    }
    if (outcome.kind === "done") {
      stats.records += batch.length;
      shard.checkpoint = this.api.sequenceOf(batch[batch.length - 1] as R);
      shard.retryAt = undefined;
      shard.iterator = page.nextIterator;
      shard.finished = page.nextIterator === undefined;
      return { read: true, shardEnded: shard.finished };
    }
    stats.records += outcome.index;
    if (outcome.index > 0) shard.checkpoint = this.api.sequenceOf(batch[outcome.index - 1] as R);
    shard.retryAt = this.api.sequenceOf(batch[outcome.index] as R);
    shard.iterator = undefined;
    return { read: true, shardEnded: false };
  }

  /** Where a shard's next iterator starts: the record to retry, after the checkpoint, or the start. */
  private startOf(shard: ShardState): ShardPosition {
    if (shard.retryAt !== undefined)
      return { type: "AT_SEQUENCE_NUMBER", sequenceNumber: shard.retryAt };
    if (shard.checkpoint !== undefined)
      return { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: shard.checkpoint };
    return { type: this.options.startingPosition ?? "TRIM_HORIZON" };
  }

  /**
   * Invokes the handler with `batch`, again (same batch) while it throws. A partial batch
   * response that acknowledges nothing also counts as an attempt, so a record that always fails
   * makes `run()` throw instead of looping.
   */
  private async deliver(
    batch: ReadonlyArray<R>,
    stats: { invocations: number; failedInvocations: number },
  ): Promise<Outcome> {
    const env = this.options.retryEnv ?? defaultRetryEnv;
    const { maxAttempts = env.policy.maxAttempts } = this.options;
    let attempts = 0;
    const outcome = await withRetries(
      async (attempt) => {
        attempts = attempt + 1;
        this.options.onInvoke?.(batch, attempt);
        stats.invocations += 1;
        const result = await this.invoke(batch);
        if (result.kind !== "done") stats.failedInvocations += 1;
        return result;
      },
      (result) => !(result.kind === "failed" || (result.kind === "resume" && result.index === 0)),
      unboundedDeadline,
      { ...env, policy: { ...env.policy, maxAttempts } },
    );
    if (outcome.kind === "failed") return { ...outcome, attempts };
    if (outcome.kind === "resume" && outcome.index === 0) {
      const error = new Error("the handler keeps reporting the batch's first record as failed");
      return { kind: "failed", error, attempts };
    }
    return outcome;
  }

  private async invoke(batch: ReadonlyArray<R>): Promise<Outcome> {
    const context: Context = localContext(
      this.options.functionName ?? "stream-consumer",
      this.options.timeoutMs ?? 60_000,
    );
    try {
      const response = await this.handler({ Records: [...batch] }, context);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return { kind: "done" };
      const sequences = batch.map(this.api.sequenceOf);
      const indexes = failures.map((f) =>
        f.itemIdentifier ? sequences.indexOf(f.itemIdentifier) : -1,
      );
      // Lambda fails the whole batch when an identifier is missing or not in the batch.
      if (indexes.some((i) => i < 0))
        return {
          kind: "failed",
          error: new Error(`batch item failures not in the batch: ${JSON.stringify(failures)}`),
        };
      return { kind: "resume", index: Math.min(...indexes) };
    } catch (error) {
      return { kind: "failed", error };
    }
  }

  private batchSize(): number {
    return this.options.batchSize ?? 100;
  }
}
