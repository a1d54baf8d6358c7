import type { Context } from "aws-lambda";
import { type Deadline, unboundedDeadline } from "../../domain/deadline.js";

/**
 * The invocation's deadline, from Lambda's context (unbounded when the context has no clock,
 * e.g. a hand-made context in a script).
 * @example const deadline = deadlineOf(context);
 */
export const deadlineOf = (
  context: Pick<Context, "getRemainingTimeInMillis"> | undefined,
): Deadline =>
  typeof context?.getRemainingTimeInMillis === "function"
    ? { remainingMs: () => context.getRemainingTimeInMillis() }
    : unboundedDeadline;
