import type fc from "fast-check";
import type { Drainable } from "./pipelineUnderTest.js";

/**
 * The pipeline runs until quiet: every source consumed, every queue empty (faults run out).
 * @example fc.constant(new Drain())
 */
export class Drain implements fc.AsyncCommand<object, Drainable> {
  check = () => true;
  async run(_: object, real: Drainable) {
    await real.drain();
  }
  toString = () => "drain";
}
