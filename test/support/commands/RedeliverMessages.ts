import fc from "fast-check";
import type { QueueSide } from "./pipelineUnderTest.js";

/**
 * Standard queues: SQS hands some already-delivered messages over again, in another order.
 * @example fc.array(fc.nat(200), { minLength: 1, maxLength: 6 }).map((picks) => new RedeliverMessages(picks))
 */
export class RedeliverMessages implements fc.AsyncCommand<object, QueueSide> {
  /** 1 to 6 of the messages delivered so far. */
  static arbitrary = (): fc.Arbitrary<RedeliverMessages> =>
    fc
      .array(fc.nat(200), { minLength: 1, maxLength: 6 })
      .map((picks) => new RedeliverMessages(picks));

  constructor(readonly picks: ReadonlyArray<number>) {}
  check = () => true;
  async run(_: object, real: QueueSide) {
    const { delivered } = real;
    if (delivered.length === 0) return;
    const chosen = this.picks.map((i) => delivered[i % delivered.length]);
    await real.redeliverMessages(chosen.filter((r) => r !== undefined));
  }
  toString = () => `redeliverMessages(${this.picks.join(",")})`;
}
