/**
 * The time an invocation has left. Lambda's `context.getRemainingTimeInMillis` is one; tests
 * pass a virtual one. Retries never sleep past it.
 */
export interface Deadline {
  /** Milliseconds left before the invocation is cut off. */
  readonly remainingMs: () => number;
}

/**
 * A deadline that never runs out, for offline runs and tools outside Lambda.
 * @example await tableWriter.write(commands, unboundedDeadline)()
 */
export const unboundedDeadline: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };
