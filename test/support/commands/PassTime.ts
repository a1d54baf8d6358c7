import type fc from "fast-check";
import type { PassingTime } from "./pipelineUnderTest.js";

/**
 * Time passes on the virtual clock, and what is due happens (Glue runs complete).
 * @example fc.constant(new PassTime(30_000))
 */
export class PassTime implements fc.AsyncCommand<object, PassingTime> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_: object, real: PassingTime) {
    real.passTime(this.ms);
  }
  toString = () => `passTime(${this.ms} ms)`;
}
