import { describe, expect, it } from "vitest";
import {
  defaultBatchingLimits,
  messageBytes,
  splitIntoBatches,
} from "../../domain/messageBatching.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";

const message = (id: string, bytes: number): OutgoingMessage => ({ id, body: "x".repeat(bytes) });
const ids = (batches: ReadonlyArray<ReadonlyArray<OutgoingMessage>>) =>
  batches.map((batch) => batch.map((m) => m.id));

describe("messageBytes", () => {
  it("counts the body in UTF-8", () => {
    expect(messageBytes({ id: "0", body: "abc" })).toBe(3);
    expect(messageBytes({ id: "0", body: "é" })).toBe(2);
    expect(messageBytes({ id: "0", body: "€" })).toBe(3);
    expect(messageBytes({ id: "0", body: "😀" })).toBe(4);
  });
});

describe("splitIntoBatches", () => {
  it("keeps at most 10 entries per batch, in order", () => {
    const messages = Array.from({ length: 23 }, (_, i) => message(String(i), 5));
    const { batches, oversize } = splitIntoBatches(messages);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat().map((m) => m.id)).toEqual(messages.map((m) => m.id));
    expect(oversize).toEqual([]);
  });

  it("starts a new batch when the next body would pass the byte limit", () => {
    const limits = { maxEntries: 10, maxBatchBytes: 100 };
    const result = splitIntoBatches(
      [message("a", 60), message("b", 40), message("c", 1), message("d", 100)],
      limits,
    );
    expect(ids(result.batches)).toEqual([["a", "b"], ["c"], ["d"]]);
  });

  it("uses SQS's 256 KiB default", () => {
    expect(defaultBatchingLimits).toEqual({ maxEntries: 10, maxBatchBytes: 262_144 });
    const result = splitIntoBatches([message("a", 200_000), message("b", 62_144), message("c", 1)]);
    expect(ids(result.batches)).toEqual([["a", "b"], ["c"]]);
  });

  it("reports a message bigger than the limit on its own as invalid, and sends the rest", () => {
    const result = splitIntoBatches([message("a", 10), message("big", 262_145), message("b", 10)]);
    expect(ids(result.batches)).toEqual([["a", "b"]]);
    expect(result.oversize).toEqual([
      {
        id: "big",
        error: expect.objectContaining({
          _tag: "InvalidRecord",
          recordId: "big",
          reason: expect.stringMatching(/262145 bytes exceeds the 262144-byte limit/),
        }),
      },
    ]);
  });

  it("returns no batch for no message", () => {
    expect(splitIntoBatches([])).toEqual({ batches: [], oversize: [] });
  });
});

describe("messageBytes with message attributes", () => {
  it("counts each attribute's name, data type and value (binary: the decoded bytes)", () => {
    const attributes = {
      origin: { dataType: "String", stringValue: "ñ" },
      blob: { dataType: "Binary", binaryValue: "AAEC" },
      two: { dataType: "Binary", binaryValue: "AA==" },
    };
    expect(messageBytes({ id: "0", body: "abc", attributes })).toBe(
      3 + (6 + 6 + 2) + (4 + 6 + 3) + (3 + 6 + 1),
    );
  });
});
