import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RetryEnv, withRetries } from "../../adapters/shared/retry.js";
import { backoffDelay, defaultRetryPolicy, mayRetry } from "../../domain/retryPolicy.js";

describe("retry policy", () => {
  it("draws every delay in [0, min(cap, base·2ⁿ))", () => {
    fc.assert(
      fc.property(
        fc.nat(60),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const delay = backoffDelay(defaultRetryPolicy, attempt, random);
          const ceiling = Math.min(
            defaultRetryPolicy.capMs,
            defaultRetryPolicy.baseMs * 2 ** attempt,
          );
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  it("allows no retry past the attempts or into the reserved time", () => {
    expect(mayRetry(defaultRetryPolicy, defaultRetryPolicy.maxAttempts, 0, 60_000)).toBe(false);
    expect(mayRetry(defaultRetryPolicy, 1, 500, 1_400)).toBe(false);
    expect(mayRetry(defaultRetryPolicy, 1, 500, 1_600)).toBe(true);
  });
});

describe("withRetries", () => {
  const virtual = (remaining: { ms: number }): RetryEnv => ({
    policy: defaultRetryPolicy,
    random: () => 0.999,
    sleep: async (ms) => {
      remaining.ms -= ms;
    },
  });

  it("stops at the deadline and returns the last result, sleeping only within the time left", async () => {
    const remaining = { ms: 2_500 };
    let calls = 0;
    const result = await withRetries(
      async () => ++calls,
      () => false,
      { remainingMs: () => remaining.ms },
      virtual(remaining),
    );
    expect(result).toBe(calls);
    expect(calls).toBeGreaterThan(1);
    expect(remaining.ms).toBeGreaterThan(defaultRetryPolicy.reserveMs);
  });

  it("stops after maxAttempts when time is plentiful", async () => {
    let calls = 0;
    await withRetries(
      async () => ++calls,
      () => false,
      { remainingMs: () => 1e9 },
      virtual({ ms: 1e9 }),
    );
    expect(calls).toBe(defaultRetryPolicy.maxAttempts);
  });

  it("returns as soon as the result is done", async () => {
    let calls = 0;
    const result = await withRetries(
      async () => ++calls,
      (n) => n === 3,
      { remainingMs: () => 1e9 },
      virtual({ ms: 1e9 }),
    );
    expect(result).toBe(3);
  });
});
