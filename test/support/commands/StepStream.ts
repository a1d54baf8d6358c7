import fc from "fast-check";
import type { StreamSide } from "./pipelineUnderTest.js";

/**
 * Lambda's stream event source takes up to `steps` batches of a shard (fewer when it is idle).
 * @example fc.integer({ min: 1, max: 4 }).map((n) => new StepStream(0, n))
 */
export class StepStream implements fc.AsyncCommand<object, StreamSide> {
  /** Up to `maxSteps` steps of any of `shards` shards. */
  static arbitrary = (maxSteps: number, shards = 1): fc.Arbitrary<StepStream> =>
    fc
      .tuple(fc.nat(shards - 1), fc.integer({ min: 1, max: maxSteps }))
      .map(([shard, steps]) => new StepStream(shard, steps));

  constructor(
    readonly shard: number,
    readonly steps: number,
  ) {}
  check = () => true;
  async run(_: object, real: StreamSide) {
    const shard = this.shard % real.streamShards;
    for (let i = 0; i < this.steps; i++) if (!(await real.stepStream(shard))) return;
  }
  toString = () => `stepStream(shard ${this.shard}, ${this.steps})`;
}
