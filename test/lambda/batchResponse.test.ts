import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  blockedByGroup,
  firstFailure,
  sqsResponse,
  streamResponse,
} from "../../handlers/lambda/batchResponse.js";
import { numRuns } from "../support/faults.js";

const runs = numRuns(300);

/** A stream batch: sequence numbers (some missing), a checkpoint anywhere, rejects by index. */
const streamBatch = fc.integer({ min: 0, max: 30 }).chain((count) =>
  fc.record({
    count: fc.constant(count),
    sequenceNumbers: fc.array(fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }), {
      minLength: count,
      maxLength: count,
    }),
    checkpoint: fc.option(fc.integer({ min: 0, max: count + 3 }), { nil: undefined }),
    rejects: fc.array(
      fc.record({ index: fc.integer({ min: 0, max: Math.max(0, count - 1) }), id: fc.nat() }),
      { maxLength: count },
    ),
  }),
);

describe("stream checkpoints", () => {
  it("report nothing at or after the checkpoint, and every reject before it, in order", () => {
    fc.assert(
      fc.property(streamBatch, ({ count, sequenceNumbers, checkpoint, rejects }) => {
        const { rejectsNow } = streamResponse(
          count,
          (i) => sequenceNumbers[i],
          checkpoint,
          rejects,
        );
        const cut = checkpoint === undefined ? count : Math.min(checkpoint, count);
        expect(rejectsNow.every((r) => r.index < cut)).toBe(true);
        expect(rejectsNow).toEqual(rejects.filter((r) => r.index < cut));
      }),
      { numRuns: runs },
    );
  });

  it("name the record at the checkpoint, and nothing when every record is done", () => {
    fc.assert(
      fc.property(streamBatch, ({ count, sequenceNumbers, checkpoint, rejects }) => {
        const { response } = streamResponse(count, (i) => sequenceNumbers[i], checkpoint, rejects);
        if (checkpoint === undefined || checkpoint >= count)
          expect(response.batchItemFailures).toEqual([]);
        else
          expect(response.batchItemFailures).toEqual([
            { itemIdentifier: sequenceNumbers[checkpoint] ?? "" },
          ]);
      }),
      { numRuns: runs },
    );
  });

  it("report every reject exactly once however often Lambda resumes", () => {
    // Each delivery starts at the last checkpoint; the last one completes the batch.
    const scenario = fc.integer({ min: 1, max: 25 }).chain((count) =>
      fc.record({
        count: fc.constant(count),
        rejected: fc.uniqueArray(fc.integer({ min: 0, max: count - 1 }), { maxLength: count }),
        stops: fc.array(fc.nat({ max: count }), { maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ count, rejected, stops }) => {
        const reported: number[] = [];
        let start = 0;
        for (const stop of [...stops, undefined]) {
          const size = count - start;
          const checkpoint = stop === undefined ? undefined : Math.min(stop, size);
          const inBatch = rejected
            .filter((index) => index >= start)
            .map((index) => ({ index: index - start }));
          const { rejectsNow } = streamResponse(size, String, checkpoint, inBatch);
          reported.push(...rejectsNow.map((r) => r.index + start));
          if (checkpoint === undefined || checkpoint >= size) break;
          start += checkpoint;
        }
        expect([...reported].sort((a, b) => a - b)).toEqual([...rejected].sort((a, b) => a - b));
      }),
      { numRuns: runs },
    );
  });

  it("resume at the lowest failed position, the first listed among equals", () => {
    const failures = fc.array(fc.record({ index: fc.nat({ max: 20 }), id: fc.nat() }));
    fc.assert(
      fc.property(failures, (failed) => {
        const first = firstFailure(failed);
        const lowest = Math.min(...failed.map((f) => f.index));
        expect(first).toBe(failed.find((f) => f.index === lowest));
      }),
      { numRuns: runs },
    );
  });
});

/** An SQS batch: each message's group (FIFO) or none, and the messages that failed. */
const sqsBatch = fc
  .array(fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }), { maxLength: 30 })
  .chain((groups) =>
    fc.record({
      groups: fc.constant(groups),
      failed: fc.uniqueArray(fc.nat({ max: Math.max(0, groups.length - 1) }), {
        maxLength: groups.length,
      }),
    }),
  );

describe("SQS FIFO groups", () => {
  it("fail every failed message, and within a group everything after a failure", () => {
    fc.assert(
      fc.property(sqsBatch, ({ groups, failed }) => {
        const fails = blockedByGroup(groups, new Set(failed));
        for (const index of failed) expect(fails.has(index)).toBe(true);
        // Upward-closed in delivery order within a group.
        groups.forEach((group, i) => {
          if (group === undefined || !fails.has(i)) return;
          groups.forEach((other, j) => {
            if (j > i && other === group) expect(fails.has(j)).toBe(true);
          });
        });
      }),
      { numRuns: runs },
    );
  });

  it("fail nothing else: a message fails on its own or behind an earlier failure of its group", () => {
    fc.assert(
      fc.property(sqsBatch, ({ groups, failed }) => {
        const failedSet = new Set(failed);
        const fails = blockedByGroup(groups, failedSet);
        for (const i of fails) {
          const group = groups[i];
          const behind = groups.some(
            (g, j) => j < i && g !== undefined && g === group && fails.has(j),
          );
          expect(failedSet.has(i) || behind).toBe(true);
        }
      }),
      { numRuns: runs },
    );
  });

  it("name the failing messages by messageId, in delivery order", () => {
    fc.assert(
      fc.property(sqsBatch, ({ groups, failed }) => {
        const messages = groups.map((groupId, i) => ({ messageId: `m${i}`, groupId }));
        const fails = blockedByGroup(groups, new Set(failed));
        expect(sqsResponse(messages, failed).batchItemFailures).toEqual(
          messages.flatMap((m, i) => (fails.has(i) ? [{ itemIdentifier: m.messageId }] : [])),
        );
      }),
      { numRuns: runs },
    );
  });

  it("blocks a group after its failed message only (example)", () => {
    expect([...blockedByGroup(["a", "a", "b", "a", undefined], new Set([1]))]).toEqual([1, 3]);
    expect([...blockedByGroup([undefined, undefined], new Set([0]))]).toEqual([0]);
  });
});
