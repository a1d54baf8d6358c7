import fc from "fast-check";
import type { Redeliveries, StreamSide } from "./pipelineUnderTest.js";

/**
 * Lambda hands a window of a shard to the function again: any window (`from`, `length`), or,
 * `beforeCheckpoint`, the `length` records before the checkpoint (as when it re-reads a shard
 * from an earlier position), or, `fromCheckpoint`, any window starting at or before the
 * checkpoint (what Lambda can resend: records are first processed in order, so a batch never
 * starts past a record not yet processed). The model counts the redeliveries.
 * @example fc.tuple(fc.nat(40), fc.integer({ min: 1, max: 8 })).map(([f, l]) => new RedeliverStream(0, f, l))
 */
export class RedeliverStream implements fc.AsyncCommand<Redeliveries, StreamSide> {
  /** Windows of any of `shards` shards starting before `maxFrom`, up to `maxLength` long. */
  static arbitrary = (options: {
    readonly maxFrom: number;
    readonly maxLength: number;
    readonly shards?: number;
    readonly beforeCheckpoint?: boolean;
    readonly fromCheckpoint?: boolean;
  }): fc.Arbitrary<RedeliverStream> =>
    fc
      .tuple(
        fc.nat((options.shards ?? 1) - 1),
        fc.nat(options.maxFrom),
        fc.integer({ min: 1, max: options.maxLength }),
      )
      .map(
        ([shard, from, length]) =>
          new RedeliverStream(
            shard,
            from,
            length,
            options.beforeCheckpoint,
            options.fromCheckpoint,
          ),
      );

  constructor(
    readonly shard: number,
    readonly from: number,
    readonly length: number,
    readonly beforeCheckpoint = false,
    readonly fromCheckpoint = false,
  ) {}
  check = () => true;
  async run(model: Redeliveries, real: StreamSide) {
    const shard = this.shard % real.streamShards;
    const all = real.streamRecords(shard);
    const end = this.beforeCheckpoint ? real.checkpointed(shard) : all.length;
    const start = this.beforeCheckpoint
      ? Math.max(0, end - this.length)
      : this.from % ((this.fromCheckpoint ? real.checkpointed(shard) : all.length) + 1);
    const window = all.slice(start, Math.min(end, start + this.length));
    for (const record of window) {
      const id = real.eventIdOf(record);
      model.redelivered.set(id, (model.redelivered.get(id) ?? 0) + 1);
    }
    await real.redeliverStream(shard, window);
  }
  toString = () =>
    `redeliverStream(shard ${this.shard}, ${this.beforeCheckpoint ? "before checkpoint " : this.fromCheckpoint ? `from checkpoint or before, ${this.from}+` : `${this.from}+`}${this.length})`;
}
