import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";

/** csvToQueue's entry point reads ROWS_PER_MESSAGE (default DEFAULT_ROWS_PER_MESSAGE). */
describe("ROWS_PER_MESSAGE", () => {
  it.each(["0", "-3", "2.5", "many", " "])(
    "refuses %j at cold start, naming the variable",
    async (text) => {
      vi.resetModules();
      const saved = { ...process.env };
      process.env.QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/rows";
      process.env.ROWS_PER_MESSAGE = text;
      try {
        const { handler } = await import("../../handlers/csvToQueue.js");
        await expect(handler({ Records: [] }, localContext("csv"))).rejects.toThrow(
          /ROWS_PER_MESSAGE must be a positive integer/,
        );
      } finally {
        process.env = saved;
      }
    },
  );

  it("packs rows by default in the deployed handler, within one BatchWriteItem per message", async () => {
    const { DEFAULT_ROWS_PER_MESSAGE } = await import("../../handlers/csvToQueue.js");
    expect(DEFAULT_ROWS_PER_MESSAGE).toBeGreaterThan(1);
    expect(DEFAULT_ROWS_PER_MESSAGE).toBeLessThanOrEqual(25);
  });
});
