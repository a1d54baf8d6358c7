import type { Context } from "aws-lambda";
import {
  type ShardReader,
  StreamEventSourceRunner,
  type StreamHandler,
  type StreamRunnerOptions,
} from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import type { StreamWindowOptions } from "../../adapters/localAws/eventSources/streamWindows.js";
import type { StreamSide } from "./commands/pipelineUnderTest.js";

/** How the stream side of a rig feeds its handler. */
export interface StreamSideOptions<R> {
  readonly batchSize: number;
  readonly sequenceOf: (record: R) => string;
  readonly eventIdOf: (record: R) => string;
  readonly context: () => Context;
  /** Attempts of one batch before the runner gives up with an error. */
  readonly maxAttempts: number;
  /** Before each invocation, stepped or redelivered (e.g. the clock ticks). */
  readonly beforeInvoke?: () => void;
  /**
   * A redelivered window is retried from its failed record until done, as Lambda does when it
   * re-reads a shard (default: one invocation, its failure ignored).
   */
  readonly retryRedelivered?: boolean;
  /** Event source mapping settings: bisect on error, ParallelizationFactor and its start order. */
  readonly mapping?: Pick<
    StreamRunnerOptions<R>,
    "bisectOnError" | "parallelizationFactor" | "order"
  >;
  /** A tumbling window on each shard (its id, window length, clock). */
  readonly window?: (shard: number) => StreamWindowOptions;
}

/** What {@link streamSide} gives a rig: the commands' view, and a drain of every shard. */
export interface RigStreamSide<R> extends StreamSide<R> {
  /** Every shard until idle; `onFailed` runs after an invocation that failed (time passes…). */
  drainStreams(onFailed?: () => void): Promise<void>;
  /** The mapping updated: every shard's runner restarts from its checkpoint with these settings. */
  remap(mapping: StreamSideOptions<R>["mapping"], window: StreamSideOptions<R>["window"]): void;
}

/**
 * The stream side of a rig (see test/support/commands): one event source runner per shard, the
 * checkpoints they reached, and redeliveries of any window straight to the handler.
 * @example const side = streamSide([db.stream("orders")], handler, { batchSize: 2, sequenceOf, eventIdOf, context, maxAttempts: 200 });
 */
export const streamSide = <R>(
  shards: ReadonlyArray<ShardReader<R>>,
  handler: StreamHandler<R>,
  options: StreamSideOptions<R>,
): RigStreamSide<R> => {
  const { sequenceOf, context, beforeInvoke } = options;
  const runners = shards.map(
    (shard, index) =>
      new StreamEventSourceRunner<R>(shard, handler, {
        ...options.mapping,
        ...(options.window ? { window: options.window(index) } : {}),
        batchSize: options.batchSize,
        sequenceOf,
        context,
        maxAttempts: options.maxAttempts,
        ...(beforeInvoke ? { onInvoke: () => beforeInvoke() } : {}),
      }),
  );
  const checkpoints = shards.map(() => 0);
  const step = async (shard: number) => {
    const step = await runners[shard]?.step();
    if (step !== undefined) checkpoints[shard] = (checkpoints[shard] ?? 0) + step.completed;
    return step;
  };
  const invokeOnce = async (shard: number, records: ReadonlyArray<R>) => {
    beforeInvoke?.();
    const event = runners[shard]?.eventFor(records) ?? { Records: [...records] };
    return handler(event, context()).catch(() => ({
      batchItemFailures: [{ itemIdentifier: records[0] && sequenceOf(records[0]) }],
    }));
  };
  return {
    streamShards: shards.length,
    stepStream: async (shard) => (await step(shard)) !== undefined,
    streamRecords: (shard) => shards[shard]?.read(undefined, Number.MAX_SAFE_INTEGER) ?? [],
    checkpointed: (shard) => checkpoints[shard] ?? 0,
    eventIdOf: options.eventIdOf,
    redeliverStream: async (shard, records) => {
      let window = [...records];
      for (let attempt = 0; window.length > 0 && attempt < 200; attempt++) {
        const response = await invokeOnce(shard, window);
        const failed = response?.batchItemFailures[0]?.itemIdentifier;
        if (!options.retryRedelivered || failed === undefined) return;
        window = window.slice(
          Math.max(
            0,
            window.findIndex((r) => sequenceOf(r) === failed),
          ),
        );
      }
    },
    remap: (mapping, window) => {
      for (const [index, runner] of runners.entries())
        runner.reconfigure({ ...mapping, ...(window ? { window: window(index) } : {}) });
    },
    drainStreams: async (onFailed) => {
      for (const [shard] of shards.entries())
        for (let result = await step(shard); result !== undefined; result = await step(shard))
          if (result.failed) onFailed?.();
    },
  };
};
