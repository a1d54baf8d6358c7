import type { Deadline } from "../../domain/deadline.js";
import {
  backoffDelay,
  defaultRetryPolicy,
  mayRetry,
  type RetryPolicy,
} from "../../domain/retryPolicy.js";

/** What a retry loop needs from the outside world: the policy, a sleep and a random source. */
export interface RetryEnv {
  readonly policy: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** Real timers and `Math.random`, with the library's default policy. */
export const defaultRetryEnv: RetryEnv = {
  policy: defaultRetryPolicy,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** No waiting at all (offline runs and tests); same policy otherwise. */
export const noWaitRetryEnv: RetryEnv = { ...defaultRetryEnv, sleep: async () => {} };

/**
 * Runs `run` until `isDone` accepts its result, waiting between attempts with exponential
 * backoff and full jitter, and stopping when the attempts or the deadline run out. Returns the
 * last result, done or not: the caller reports what is left.
 *
 * @example
 * const left = await withRetries((n) => writeBatch(pending), (rest) => rest.length === 0, deadline, env);
 */
export const withRetries = async <R>(
  run: (attempt: number) => Promise<R>,
  isDone: (result: R) => boolean,
  deadline: Deadline,
  env: RetryEnv = defaultRetryEnv,
): Promise<R> => {
  let attempt = 0;
  let result = await run(attempt);
  while (!isDone(result)) {
    const delay = backoffDelay(env.policy, attempt, env.random());
    if (!mayRetry(env.policy, attempt + 1, delay, deadline.remainingMs())) return result;
    await env.sleep(delay);
    attempt += 1;
    result = await run(attempt);
  }
  return result;
};
