import fc from "fast-check";

/** A rig whose reject destination can fail. */
export interface RejectDestination {
  rejectOutage(on: boolean): void;
}

/**
 * The reject destination (SQS queue, S3 prefix) starts or stops failing every call.
 * @example fc.boolean().map((on) => new RejectOutage(on))
 */
export class RejectOutage implements fc.AsyncCommand<object, RejectDestination> {
  static arbitrary: fc.Arbitrary<RejectOutage> = fc.boolean().map((on) => new RejectOutage(on));

  constructor(readonly on: boolean) {}
  check = () => true;
  async run(_: object, real: RejectDestination) {
    real.rejectOutage(this.on);
  }
  toString = () => `rejectOutage(${this.on ? "down" : "up"})`;
}
