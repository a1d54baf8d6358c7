/** A clock that only moves when told to: offline runs and tests stay deterministic. */
export interface VirtualClock {
  readonly now: () => number;
  readonly advance: (ms: number) => void;
}

/**
 * A virtual clock starting at `start` (ms since the epoch).
 * @example const clock = virtualClock(); const db = new InMemoryDynamoDb(clock.now);
 */
export const virtualClock = (start = 1_700_000_000_000): VirtualClock => {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += Math.max(0, ms);
    },
  };
};
