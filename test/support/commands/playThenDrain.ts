import fc from "fast-check";
import { expect } from "vitest";
import type { Drainable } from "./pipelineUnderTest.js";

/**
 * Plays the commands on the model and the real pipeline, then drains the pipeline: the state a
 * model test checks its invariant on. An error other than an injected fault fails the run.
 * @example await playThenDrain({ orders: new Map(), redelivered: new Map() }, real, cmds);
 */
export const playThenDrain = async <
  M extends object,
  R extends Drainable & { readonly unexpected: ReadonlyArray<unknown> },
>(
  model: M,
  real: R,
  commands: Iterable<fc.AsyncCommand<M, R>>,
): Promise<void> => {
  await fc.asyncModelRun(() => ({ model, real }), commands);
  await real.drain();
  expect(real.unexpected).toEqual([]);
};
