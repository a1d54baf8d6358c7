import { describe, expect, it } from "vitest";
import { heapChosenByUser, heapLimitsFor } from "../../handlers/cli/boundedHeap.js";

// The worker itself runs only from the compiled binary (test/cli/packedBin.test.ts runs it; the
// bench/loadCsvMemory.ts bench measures it): tsx's loader does not reach worker threads.
describe("the binary's bounded heap", () => {
  it("is the user's whenever a heap flag is set on node's command line or in NODE_OPTIONS", () => {
    expect(heapChosenByUser([], undefined)).toBe(false);
    expect(heapChosenByUser(["--enable-source-maps"], "--trace-warnings")).toBe(false);
    expect(heapChosenByUser(["--max-old-space-size=512"], undefined)).toBe(true);
    expect(heapChosenByUser([], "--max-semi-space-size=4")).toBe(true);
    expect(heapChosenByUser([], "--enable-source-maps --max-heap-size=300")).toBe(true);
  });

  it("caps the old generation of the streaming commands only; every command's young generation", () => {
    for (const command of ["load-csv", "copy-table"])
      expect(heapLimitsFor(command)).toEqual({
        maxYoungGenerationSizeMb: 12,
        maxOldGenerationSizeMb: 64,
      });
    for (const command of ["verify-aggregates", "rebuild-aggregates", "glue-script", undefined])
      expect(heapLimitsFor(command)).toEqual({ maxYoungGenerationSizeMb: 12 });
  });
});
