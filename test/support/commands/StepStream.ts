import type fc from "fast-check";
import type { StreamSide } from "./pipelineUnderTest.js";

/**
 * Lambda's stream event source takes up to `steps` batches of a shard (fewer when it is idle).
 * @example fc.integer({ min: 1, max: 4 }).map((n) => new StepStream(0, n))
 */
export class StepStream implements fc.AsyncCommand<object, StreamSide> {
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
