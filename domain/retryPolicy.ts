/**
 * Exponential backoff with full jitter, capped, shared by every adapter that retries.
 * Delay for attempt n (0-based) is uniform in [0, min(capMs, baseMs · 2ⁿ)).
 */
export interface RetryPolicy {
  /** First backoff ceiling in milliseconds. */
  readonly baseMs: number;
  /** Largest backoff ceiling in milliseconds. */
  readonly capMs: number;
  /** Most attempts in all (the first try included). */
  readonly maxAttempts: number;
  /** Time kept in reserve before the deadline: no retry starts later than this. */
  readonly reserveMs: number;
}

/** The library's default: 50 ms doubling to 5 s, 8 attempts, 1 s kept in reserve. */
export const defaultRetryPolicy: RetryPolicy = {
  baseMs: 50,
  capMs: 5_000,
  maxAttempts: 8,
  reserveMs: 1_000,
};

/**
 * The backoff before retry number `attempt` (0 = the wait after the first try).
 * `random` is a number in [0, 1), passed in so the function stays pure.
 * @example backoffDelay(defaultRetryPolicy, 2, 0.5) // 100 (half of min(5000, 50·4))
 */
export const backoffDelay = (policy: RetryPolicy, attempt: number, random: number): number => {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceiling);
};

/**
 * Whether another attempt may start: attempts left, and the wait plus the reserve fit in the
 * time remaining.
 * @example mayRetry(defaultRetryPolicy, 1, 200, 10_000) // true
 */
export const mayRetry = (
  policy: RetryPolicy,
  attemptsMade: number,
  delayMs: number,
  remainingMs: number,
): boolean => attemptsMade < policy.maxAttempts && delayMs + policy.reserveMs < remainingMs;
