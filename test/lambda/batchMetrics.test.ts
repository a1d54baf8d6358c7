import { describe, expect, it } from "vitest";
import { eventSize, sqsCounts, streamCounts } from "../../handlers/lambda/batchMetrics.js";

/**
 * How a batch's final response and reject list become the four counts. The deployable handlers'
 * EMF lines are checked end to end in metrics.aws.test.ts; here, the resume points those runs do
 * not reach (a stream retried from the middle, a FIFO group blocked).
 */
const seqs = ["100", "200", "300", "400", "500"];
const at = (i: number) => seqs[i];

describe("streamCounts", () => {
  it("resuming at the 4th of 5 records: 3 before it (1 rejected, 1 already applied), 2 retried", () => {
    const response = { batchItemFailures: [{ itemIdentifier: "400" }] };
    expect(streamCounts(5, at, response, [1], 1)).toEqual({
      processed: 1,
      rejected: 1,
      skipped: 1,
      retried: 2,
    });
  });

  it("a reject at or after the resume point is not counted now (it is delivered again)", () => {
    const response = { batchItemFailures: [{ itemIdentifier: "200" }] };
    expect(streamCounts(5, at, response, [3], 0)).toEqual({
      processed: 1,
      rejected: 0,
      skipped: 0,
      retried: 4,
    });
  });

  it('"" (or an identifier not in the batch) retries the whole batch', () => {
    expect(streamCounts(5, at, { batchItemFailures: [{ itemIdentifier: "" }] }, [], 0)).toEqual({
      processed: 0,
      rejected: 0,
      skipped: 0,
      retried: 5,
    });
  });

  it("an event without records that went to the sink counts one reject", () => {
    expect(streamCounts(0, at, { batchItemFailures: [] }, [], 0, true)).toEqual({
      processed: 0,
      rejected: 1,
      skipped: 0,
      retried: 0,
    });
  });
});

describe("sqsCounts", () => {
  it("counts each message once: retried, else rejected, else skipped, else processed", () => {
    const response = { batchItemFailures: [{ itemIdentifier: "m1" }, { itemIdentifier: "m3" }] };
    // m1 failed and m3 is blocked behind it in its FIFO group; m3 also had a rejected command.
    expect(sqsCounts(["m0", "m1", "m2", "m3", "m4"], response, [3, 4], [2])).toEqual({
      processed: 1,
      rejected: 1,
      skipped: 1,
      retried: 2,
    });
  });
});

describe("eventSize", () => {
  it("is the number of records, or 1 for an event without a Records array", () => {
    expect(eventSize({ Records: [1, 2, 3] })).toBe(3);
    expect(eventSize({ detail: {} })).toBe(1);
    expect(eventSize(null)).toBe(1);
  });
});
