import fc from "fast-check";
import type { AsyncSide } from "./pipelineUnderTest.js";

/**
 * Lambda's asynchronous invocation for a pending event (S3 notification), or, `duplicate`, the
 * event of a done one notified again.
 * @example fc.nat(10).map((pick) => new InvokeAsync(pick, false))
 */
export class InvokeAsync implements fc.AsyncCommand<object, AsyncSide> {
  /** Any of the first 11 pending (or, `duplicate`, done) events. */
  static arbitrary = (duplicate: boolean): fc.Arbitrary<InvokeAsync> =>
    fc.nat(10).map((pick) => new InvokeAsync(pick, duplicate));

  constructor(
    readonly pick: number,
    readonly duplicate: boolean,
  ) {}
  check = () => true;
  async run(_: object, real: AsyncSide) {
    const candidates = real.events.filter((e) => e.done === this.duplicate);
    const event = candidates[this.pick % Math.max(1, candidates.length)];
    if (event !== undefined) await real.invoke(this.duplicate ? real.notifyAgain(event) : event);
  }
  toString = () => `${this.duplicate ? "duplicate" : "invoke"}(${this.pick})`;
}
