import type fc from "fast-check";
import type { DeadLetterSide } from "./pipelineUnderTest.js";

/**
 * An operator replays what the dead-letter queue holds into the pipeline's queue (`redrive`), at
 * any moment: while newer changes of the same keys are queued, or long after they were applied.
 * @example fc.constant(new RedriveDeadLetters())
 */
export class RedriveDeadLetters implements fc.AsyncCommand<object, DeadLetterSide> {
  check = () => true;
  async run(_: object, real: DeadLetterSide) {
    await real.redriveDeadLetters();
  }
  toString = () => "redriveDeadLetters";
}
