import type fc from "fast-check";

/** A rig whose event source mapping can be updated between deliveries. */
export interface Remappable<M> {
  remap(mapping: M): void;
}

/**
 * The operator updates the event source mapping (UpdateEventSourceMapping: a tumbling window
 * added or removed, a ParallelizationFactor changed, with the function's environment): polling
 * restarts from the checkpoint, batches pending redelivery are delivered under the new settings.
 * @example mappingArb.map((mapping) => new UpdateMapping(mapping, "watermark"))
 */
export class UpdateMapping<M> implements fc.AsyncCommand<object, Remappable<M>> {
  constructor(
    readonly mapping: M,
    readonly name: string,
  ) {}
  check = () => true;
  async run(_: object, real: Remappable<M>) {
    real.remap(this.mapping);
  }
  toString = () => `updateMapping(${this.name})`;
}
