import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { AggregateStore } from "../../ports/aggregateStore.js";

/** A store under test, with a way to read back one total (undefined when absent). */
export interface AggregateStoreFixture {
  readonly store: AggregateStore;
  readonly total: (key: AttributeMap) => Promise<string | undefined>;
}

const key = (day: string, item: string): AttributeMap => ({
  order_date: { S: day },
  item_number: { S: item },
});

const chunk = (
  markers: ReadonlyArray<string>,
  updates: ReadonlyArray<[AttributeMap, string]>,
): AggregateChunk => ({
  markers,
  updates: updates.map(([k, amount]) => ({ key: k, amount })),
  firstSequenceNumber: "1",
});

/**
 * The AggregateStore contract, run against every adapter (in memory and DynamoDB). The totals
 * table is keyed (order_date S, item_number S) and sums `quantity`; each fixture is fresh.
 */
export const aggregateStoreContract = (
  name: string,
  fixture: () => Promise<AggregateStoreFixture>,
) =>
  describe(`AggregateStore contract: ${name}`, () => {
    it("adds every update of a chunk and reports it applied", async () => {
      const { store, total } = await fixture();
      const outcome = await store.apply(
        chunk(
          ["e1", "e2"],
          [
            [key("2026-11-21", "a"), "10"],
            [key("2026-11-21", "b"), "-2.5"],
          ],
        ),
      )();
      expect(outcome).toEqual(E.right({ _tag: "Applied" }));
      expect(await total(key("2026-11-21", "a"))).toBe("10");
      expect(await total(key("2026-11-21", "b"))).toBe("-2.5");
    });

    it("refuses a chunk whose markers exist, names them, and writes nothing", async () => {
      const { store, total } = await fixture();
      await store.apply(chunk(["e1"], [[key("d", "a"), "10"]]))();
      const again = await store.apply(
        chunk(
          ["e0", "e1"],
          [
            [key("d", "a"), "10"],
            [key("d", "c"), "1"],
          ],
        ),
      )();
      expect(again).toEqual(E.right({ _tag: "AlreadyApplied", markers: ["e1"] }));
      expect(await total(key("d", "a"))).toBe("10");
      expect(await total(key("d", "c"))).toBeUndefined();
    });

    it("sums exactly, with all 38 digits", async () => {
      const { store, total } = await fixture();
      await store.apply(
        chunk(["e1"], [[key("d", "a"), "12345678901234567890123456789012345.5"]]),
      )();
      await store.apply(chunk(["e2"], [[key("d", "a"), "0.25"]]))();
      expect(await total(key("d", "a"))).toBe("12345678901234567890123456789012345.75");
    });

    it("applies a chunk of 100 actions in one go", async () => {
      const { store, total } = await fixture();
      const markers = Array.from({ length: 50 }, (_, i) => `m${i}`);
      const updates = Array.from({ length: 50 }, (_, i): [AttributeMap, string] => [
        key("d", `i${i}`),
        "1",
      ]);
      expect(E.isRight(await store.apply(chunk(markers, updates))())).toBe(true);
      expect(await total(key("d", "i49"))).toBe("1");
    });

    it("refuses a chunk over the transaction limit without writing anything", async () => {
      const { store, total } = await fixture();
      const markers = Array.from({ length: 60 }, (_, i) => `m${i}`);
      const updates = Array.from({ length: 50 }, (_, i): [AttributeMap, string] => [
        key("d", `i${i}`),
        "1",
      ]);
      const outcome = await store.apply(chunk(markers, updates))();
      expect(E.isLeft(outcome)).toBe(true);
      expect(await total(key("d", "i0"))).toBeUndefined();
    });
  });
