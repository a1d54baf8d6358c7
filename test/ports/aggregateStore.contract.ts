import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AggregateChunk, WatermarkGuard } from "../../domain/aggregateChunks.js";
import { paddedSequence } from "../../domain/aggregateWatermark.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { shardWatermarks } from "../../domain/regimeStamps.js";
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
  guard: WatermarkGuard = { _tag: "None" },
): AggregateChunk => ({
  markers,
  updates: updates.map(([k, amount]) => ({ key: k, amount, guard })),
  firstSequenceNumber: "1",
});

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

const refused = (
  markers: ReadonlyArray<string>,
  more: { covered?: unknown[]; watermarked?: unknown[] } = {},
) => E.right({ _tag: "Refused", markers, covered: [], watermarked: [], ...more });

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
      expect(again).toEqual(refused(["e1"]));
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
      const watermarkNames = (item: AttributeMap | undefined) =>
        shardWatermarks(item ?? {}).map((w) => w.attribute);

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

      it("removes a watermark not moved for 48 hours when the total is next written", async () => {
        let now = Date.UTC(2026, 10, 30);
        const { store, item } = await fixture(() => now);
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        now += 47 * 3600_000;
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

    describe("each bookkeeping honours the other's", () => {
      it("a marker transaction that knows the shard refuses records its watermark covers, naming it", async () => {
        const { store, total } = await fixture();
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        const at = (first: number): WatermarkGuard => ({
          _tag: "ShardWatermarkAtOrPast",
          shardId: "shardId-A",
          first: seq(first),
        });
        for (const first of [10, 20])
          expect(await store.apply(chunk(["e1"], [[key("d", "a"), "7"]], at(first)))()).toEqual(
            refused([], { covered: [{ key: key("d", "a"), watermark: seq(20) }] }),
          );
        expect(await total(key("d", "a"))).toBe("5");
        // Another shard's watermark does not cover it; past the watermark, it applies.
        const other: WatermarkGuard = {
          _tag: "ShardWatermarkAtOrPast",
          shardId: "shardId-B",
          first: seq(1),
        };
        expect(await store.apply(chunk(["e2"], [[key("d", "a"), "1"]], other))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
        expect(await store.apply(chunk(["e3"], [[key("d", "b"), "1"]], at(21)))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
        expect(await total(key("d", "a"))).toBe("6");
      });

      it("a watermark write refuses a total markers wrote in the last 48 hours, and nothing is written", async () => {
        let now = Date.UTC(2026, 10, 30);
        const { store, total } = await fixture(() => now);
        await store.apply(chunk(["e1"], [[key("d", "a"), "3"]]))();
        expect(await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))()).toEqual(
          E.right({ _tag: "MarkerStamped" }),
        );
        expect(await total(key("d", "a"))).toBe("3");
        now += 47 * 3600_000;
        expect(await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))()).toEqual(
          E.right({ _tag: "MarkerStamped" }),
        );
        now += 2 * 3600_000;
        expect(await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))()).toEqual(
          E.right({ _tag: "Applied" }),
        );
        expect(await total(key("d", "a"))).toBe("8");
      });

      it("a marker transaction that does not know the shard refuses a total a watermark write stamped, returning its watermarks", async () => {
        let now = Date.UTC(2026, 10, 30);
        const { store, total } = await fixture(() => now);
        await store.advance(advance(key("d", "a"), "5", "shardId-A", 10, 20))();
        const outcome = await store.apply(
          chunk(["e1"], [[key("d", "a"), "7"]], { _tag: "RecentWatermarkWrite" }),
        )();
        const refusal =
          E.isRight(outcome) && outcome.right._tag === "Refused" ? outcome.right : undefined;
        expect(refusal?.markers).toEqual([]);
        const [seen] = refusal?.watermarked ?? [];
        expect(seen?.key).toEqual(key("d", "a"));
        expect(seen?.watermarks.map((w) => w.padded)).toEqual([seq(20)]);
        expect(await total(key("d", "a"))).toBe("5");
        // A watermark write since the stamp was seen: refused again, with the new stamp.
        now += 1000;
        await store.advance(advance(key("d", "a"), "1", "shardId-B", 1, 1))();
        const again = await store.apply(
          chunk(["e2"], [[key("d", "a"), "7"]], {
            _tag: "WatermarkStampChanged",
            stamp: seen?.stamp,
          }),
        )();
        const [newer] =
          E.isRight(again) && again.right._tag === "Refused" ? again.right.watermarked : [];
        expect(newer?.stamp).not.toEqual(seen?.stamp);
        expect(newer?.watermarks).toHaveLength(2);
        expect(await total(key("d", "a"))).toBe("6");
        // Judged not covered: written while the stamp stays the one seen.
        expect(
          await store.apply(
            chunk(["e2"], [[key("d", "a"), "7"]], {
              _tag: "WatermarkStampChanged",
              stamp: newer?.stamp,
            }),
          )(),
        ).toEqual(E.right({ _tag: "Applied" }));
        expect(await total(key("d", "a"))).toBe("13");
        // Still stamped within 48 hours: refused.
        now += 47 * 3600_000;
        const stillRecent = await store.apply(
          chunk(["e3"], [[key("d", "a"), "1"]], { _tag: "RecentWatermarkWrite" }),
        )();
        expect(E.isRight(stillRecent) && stillRecent.right._tag).toBe("Refused");
        // 48 hours without a watermark write: the stamp no longer speaks for any record.
        now += 2 * 3600_000;
        expect(
          await store.apply(
            chunk(["e3"], [[key("d", "a"), "1"]], { _tag: "RecentWatermarkWrite" }),
          )(),
        ).toEqual(E.right({ _tag: "Applied" }));
        expect(await total(key("d", "a"))).toBe("14");
      });
    });
  });
