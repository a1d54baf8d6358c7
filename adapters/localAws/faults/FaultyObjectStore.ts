import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../../../domain/errors.js";
import type { ObjectLocation, ObjectStore, ObjectStream } from "../../../ports/objectStore.js";
import type { FaultPlan } from "./faultPlan.js";
import { type FaultSite, faultyCall } from "./faultyCalls.js";
import { InjectedFaultError } from "./injectedFaults.js";

/**
 * {@link ObjectStore} decorator that injects the faults of a {@link FaultPlan} into `open` (a
 * read: no writes are counted), in front of any store (in memory, S3): `transient` (SlowDown) and
 * `timeout` fail the open, crashes reject, and `partial` opens the object but breaks its body off
 * after 0 to 3 chunks (the iteration throws, as a dropped connection does), at the latest at its
 * end.
 *
 * @example
 * const objects = new FaultyObjectStore(new S3ObjectStore(client), FaultPlan.schedule(["partial"]));
 */
export class FaultyObjectStore implements ObjectStore {
  private readonly site: FaultSite;

  constructor(
    private readonly inner: ObjectStore,
    plan: FaultPlan,
  ) {
    this.site = { plan, port: "ObjectStore", operation: "GetObject" };
  }

  readonly open =
    (location: ObjectLocation): TE.TaskEither<PipelineError, ObjectStream> =>
    () =>
      faultyCall(this.site, () => this.inner.open(location)(), {
        writes: 0,
        onPartial: E.map((stream) => ({
          ...stream,
          body: this.broken(stream.body, Math.floor(this.site.plan.random() * 4)),
        })),
      });

  private async *broken(
    body: AsyncIterable<Uint8Array>,
    after: number,
  ): AsyncGenerator<Uint8Array> {
    let chunks = 0;
    for await (const chunk of body) {
      if (chunks++ === after) break;
      yield chunk;
    }
    throw new InjectedFaultError("ObjectStore", "partial", "injected: the object's body broke off");
  }
}
