import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import { paddedSequence } from "../../domain/aggregateWatermark.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { WATERMARK_ATTRIBUTE_PREFIX } from "../../domain/totalWatermarks.js";
import type { AggregateStore, TotalAdvance } from "../../ports/aggregateStore.js";

/** A store under test, with a way to read back one total (undefined when absent). */
export interface AggregateStoreFixture {
  readonly store: AggregateStore;
  readonly total: (key: AttributeMap) => Promise<string | undefined>;
  /** The whole item of a total (undefined when absent). */
  readonly item: (key: AttributeMap) => Promise<AttributeMap | undefined>;
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
  /** A fresh store whose clock is `clock` (epoch milliseconds). */
  fixture: (clock?: () => number) => Promise<AggregateStoreFixture>,
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

    describe("watermark mode (advance)", () => {
      const seq = (n: number) => paddedSequence(`1${String(n).padStart(20, "0")}`) ?? "";
      const advance = (
        k: AttributeMap,
        amount: string,
        shardId: string,
        first: number,
        last: number,
      ): TotalAdvance => ({
        key: k,
        amount,
        shardId,
        first: seq(first),
        last: seq(last),
      });
      const watermarkNames = (item: AttributeMap | undefined) =>
        Object.keys(item ?? {}).filter((name) => name.startsWith(WATERMARK_ATTRIBUTE_PREFIX));

      it("adds the amount and moves the total's watermark in one write", async () => {
        const { store, total, item } = await fixture();
        const outcome = await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        expect(outcome).toEqual(E.right({ _tag: "Applied" }));
        expect(await total(key("d", "a"))).toBe("5");
        expect(watermarkNames(await item(key("d", "a")))).toHaveLength(1);
      });

      it("refuses records at or below the watermark, naming it, and writes nothing", async () => {
        const { store, total } = await fixture();
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        for (const first of [10, 15, 20])
          expect(
            await store.advance(advance(key("d", "a"), "7", "shardId-A", first, 30))(),
          ).toEqual(E.right({ _tag: "BehindWatermark", watermark: seq(20) }));
        expect(await total(key("d", "a"))).toBe("5");
        expect(await store.advance(advance(key("d", "a"), "7", "shardId-A", 21, 30))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
        expect(await total(key("d", "a"))).toBe("12");
      });

      it("keeps one watermark per shard: another shard's lower sequence numbers still apply", async () => {
        const { store, total, item } = await fixture();
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        expect(await store.advance(advance(key("d", "a"), "1", "shardId-B", 1, 2))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
        expect(await total(key("d", "a"))).toBe("6");
        expect(watermarkNames(await item(key("d", "a")))).toHaveLength(2);
      });

      it("removes a watermark not moved for 25 hours when the total is next written", async () => {
        let now = Date.UTC(2026, 10, 30);
        const { store, item } = await fixture(() => now);
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        now += 24 * 3600_000;
        await store.advance(advance(key("d", "a"), "1", "shardId-B", 1, 2))();
        expect(watermarkNames(await item(key("d", "a")))).toHaveLength(2);
        now += 2 * 3600_000;
        await store.advance(advance(key("d", "a"), "1", "shardId-B", 3, 4))();
        const kept = watermarkNames(await item(key("d", "a")));
        expect(kept).toHaveLength(1);
        // The one kept is shard B's: shard A's lower sequence numbers apply again.
        expect(await store.advance(advance(key("d", "a"), "2", "shardId-A", 5, 6))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
      });

      it("a total beyond 38 digits is an invalid record, and nothing is written", async () => {
        const { store, total } = await fixture();
        const big = "9".repeat(38);
        await store.advance(advance(key("d", "a"), big, "shardId-A", 1, 1))();
        const outcome = await store.advance(advance(key("d", "a"), big, "shardId-A", 2, 2))();
        expect(E.isLeft(outcome) && outcome.left._tag).toBe("InvalidRecord");
        expect(await total(key("d", "a"))).toBe(big);
        // The same write delivered again after the watermark moved past it: behind, not invalid.
        await store.advance(advance(key("d", "a"), "-1", "shardId-A", 3, 3))();
        expect(await store.advance(advance(key("d", "a"), big, "shardId-A", 2, 2))()).toEqual(
          E.right({ _tag: "BehindWatermark", watermark: seq(3) }),
        );
      });
    });
  });
