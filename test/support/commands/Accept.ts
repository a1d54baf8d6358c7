import type fc from "fast-check";
import type { Inputs } from "./pipelineUnderTest.js";

/**
 * An input enters the pipeline (a table write, a Kinesis record, an upload) and the model.
 * @example fc.tuple(id, order).map(([i, o]) => new Accept<Model, Input>({ put: i, order: o }))
 */
export class Accept<M extends object, I> implements fc.AsyncCommand<M, Inputs<M, I>> {
  constructor(readonly input: I) {}
  check = () => true;
  async run(model: M, real: Inputs<M, I>) {
    await real.accept(model, this.input);
  }
  toString = () => `accept(${JSON.stringify(this.input)})`;
}
