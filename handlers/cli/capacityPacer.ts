/**
 * Keeps a copy under a share of the tables' provisioned capacity: every page reserves the time
 * its capacity units take at `rate × capacity` units per second (reads: a Scan page costs its
 * size in 4 KB units with consistent reads; writes: each item its size in 1 KB units), and waits
 * until its reservation starts. One pacer is shared by all Scan segments.
 * @example const pacer = capacityPacer(0.25, 100, 50); await pacer.pace(readUnits, writeUnits);
 */
export interface CapacityPacer {
  readonly pace: (readUnits: number, writeUnits: number) => Promise<void>;
}

/**
 * A pacer for `rate` (0 < rate ≤ 1) of `readCapacity`/`writeCapacity` units per second; a
 * capacity of 0 (on-demand) is not paced.
 * @example const pacer = capacityPacer(0.5, description.readCapacity, target.writeCapacity);
 */
export const capacityPacer = (
  rate: number,
  readCapacity: number,
  writeCapacity: number,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): CapacityPacer => {
  let nextFree = now();
  return {
    pace: async (readUnits, writeUnits) => {
      const readMs = readCapacity > 0 ? (1000 * readUnits) / (rate * readCapacity) : 0;
      const writeMs = writeCapacity > 0 ? (1000 * writeUnits) / (rate * writeCapacity) : 0;
      const start = Math.max(now(), nextFree);
      nextFree = start + Math.max(readMs, writeMs);
      const wait = start - now();
      if (wait > 0) await sleep(wait);
    },
  };
};
