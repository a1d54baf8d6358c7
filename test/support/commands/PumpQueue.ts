import fc from "fast-check";
import type { QueueSide } from "./pipelineUnderTest.js";

/**
 * Lambda's SQS event source receives up to `rounds` batches of `batchSize` messages.
 * @example fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 10 })).map(([r, b]) => new PumpQueue(r, b))
 */
export class PumpQueue implements fc.AsyncCommand<object, QueueSide> {
  /** 1 to 4 rounds of 1 to 10 messages. */
  static arbitrary = (): fc.Arbitrary<PumpQueue> =>
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 10 }))
      .map(([rounds, batchSize]) => new PumpQueue(rounds, batchSize));

  constructor(
    readonly rounds: number,
    readonly batchSize: number,
  ) {}
  check = () => true;
  async run(_: object, real: QueueSide) {
    await real.pumpQueue(this.rounds, this.batchSize);
  }
  toString = () => `pumpQueue(${this.rounds} × ${this.batchSize})`;
}
