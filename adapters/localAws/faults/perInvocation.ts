import type { FaultPlan } from "./faultPlan.js";

/**
 * Wraps a handler so that every call starts a new invocation for the plans (see
 * {@link FaultPlan.beginInvocation}): a `crashAfterK` drawn in one invocation never kills the next.
 *
 * @example
 * const handler = perInvocation([plan], createQueueToTableHandler({ table: withFaults(writer, plan), rejects }));
 */
export const perInvocation =
  <A extends unknown[], R>(
    plans: ReadonlyArray<FaultPlan>,
    handler: (...args: A) => Promise<R>,
  ): ((...args: A) => Promise<R>) =>
  (...args: A) => {
    for (const plan of plans) plan.beginInvocation();
    return handler(...args);
  };
