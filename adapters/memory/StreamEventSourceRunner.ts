import type { Context } from "aws-lambda";
import { localContext } from "./localContext.js";

/** A shard to read from: records after a sequence number (exclusive), oldest first. */
export interface ShardReader<R> {
  readonly read: (afterSequence: string | undefined, limit: number) => ReadonlyArray<R>;
}

/** A stream handler as Lambda calls it (DynamoDB or Kinesis stream event). */
export type StreamHandler<R> = (
  event: { Records: R[] },
  context: Context,
) => Promise<{ batchItemFailures: ReadonlyArray<{ itemIdentifier?: string }> } | undefined>;

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

  /** Processes every record available now (and those added while running). */
  async drain(): Promise<StreamRunStats> {
    let invocations = 0;
    let failedInvocations = 0;
    let records = 0;
    let attempt = 0;
    for (;;) {
      const batch = this.shard.read(this.checkpoint, this.options.batchSize);
      if (batch.length === 0) return { invocations, failedInvocations, records };
      if (attempt >= (this.options.maxAttempts ?? 1_000))
        throw new Error(
          `batch starting at ${this.options.sequenceOf(batch[0] as R)} failed ${attempt} times`,
        );
      this.options.onInvoke?.(batch, attempt);
      invocations += 1;
      const next = await this.invoke(batch);
      if (next === "whole-batch-failed") {
        failedInvocations += 1;
        attempt += 1;
        continue;
      }
      const done =
        next === undefined
          ? batch.length
          : batch.findIndex((r) => this.options.sequenceOf(r) === next);
      if (done < batch.length) failedInvocations += 1;
      attempt = done === 0 ? attempt + 1 : 0;
      records += done;
      if (done > 0) this.checkpoint = this.options.sequenceOf(batch[done - 1] as R);
    }
  }

  /** Returns the sequence number to resume from, undefined when all succeeded. */
  private async invoke(
    batch: ReadonlyArray<R>,
  ): Promise<string | undefined | "whole-batch-failed"> {
    try {
      const context = this.options.context?.() ?? localContext("stream-consumer");
      const response = await this.handler({ Records: [...batch] }, context);
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return undefined;
      const sequences = batch.map(this.options.sequenceOf);
      const indexes = failures.map((f) =>
        f.itemIdentifier ? sequences.indexOf(f.itemIdentifier) : -1,
      );
      if (indexes.some((i) => i < 0)) return "whole-batch-failed";
      return sequences[Math.min(...indexes)];
    } catch {
      return "whole-batch-failed";
    }
  }
}
