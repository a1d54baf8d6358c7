import { describe, expect, it } from "vitest";
import { capacityPacer } from "../../handlers/cli/capacityPacer.js";

/** The pacer on a virtual clock: waits are what the capacity share allows, no more. */
describe("capacityPacer", () => {
  const clock = () => {
    let now = 0;
    const waits: number[] = [];
    return {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
      waits,
    };
  };

  it("spaces pages so reads stay under rate × read capacity", async () => {
    const c = clock();
    const pacer = capacityPacer(0.5, 100, 0, c.now, c.sleep);
    for (let i = 0; i < 3; i++) await pacer.pace(100, 0); // 100 units at 50 units/s: 2 s each
    expect(c.waits).toEqual([2000, 2000]);
  });

  it("takes the slower of reads and writes, and does not pace on-demand tables", async () => {
    const c = clock();
    const pacer = capacityPacer(1, 400, 10, c.now, c.sleep);
    await pacer.pace(4, 20);
    await pacer.pace(4, 20);
    expect(c.waits).toEqual([2000]);
    const free = capacityPacer(0.1, 0, 0, c.now, c.sleep);
    await free.pace(1000, 1000);
    await free.pace(1000, 1000);
    expect(c.waits).toEqual([2000]);
  });
});
