import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { TotalAttributeWriter } from "../../ports/totalAttributeWriter.js";

/**
 * A totals table under test (keyed order_date S, item_number S): writers of one attribute on it,
 * a way to read and seed items, and throttling of the next UpdateItem calls.
 * @example const { writerOf, get, seed } = await fixture();
 */
export interface TotalAttributeWriterFixture {
  /** A writer of `attribute` on the table (no waiting between retries). */
  readonly writerOf: (attribute: string) => TotalAttributeWriter;
  /** A writer on a table that does not exist. */
  readonly missing: TotalAttributeWriter;
  readonly get: (key: AttributeMap) => Promise<AttributeMap | undefined>;
  readonly seed: (item: AttributeMap) => Promise<void>;
  /** The next `calls` UpdateItem calls on the table are refused as throttled. */
  readonly throttle: (calls: number) => void;
}

const key = (item: string): AttributeMap => ({
  order_date: { S: "2026-11-21" },
  item_number: { S: item },
});
/** What the other writers of a shared totals table put on an item. */
const others = {
  revenue: { N: "15.5" },
  __wm_0011223344556677: { S: `${"0".repeat(38)}42@1796600000` },
  __wm_8899aabbccddeeff: { S: `${"0".repeat(38)}77@1796600000` },
};

const write = async (writer: TotalAttributeWriter, at: AttributeMap, total: string | undefined) =>
  writer.write(at, total, unboundedDeadline)();

/**
 * The TotalAttributeWriter contract, run against every adapter (in memory, and DynamoDB Local).
 * @example totalAttributeWriterContract("InMemoryTotalAttributeWriter", fixture);
 */
export const totalAttributeWriterContract = (
  name: string,
  fixture: () => Promise<TotalAttributeWriterFixture>,
) =>
  describe(`TotalAttributeWriter contract: ${name}`, () => {
    it("sets the total on an item that has other totals and watermarks, and touches nothing else", async () => {
      const { writerOf, get, seed } = await fixture();
      await seed({ ...key("a"), quantity: { N: "99" }, ...others });
      expect(await write(writerOf("quantity"), key("a"), "5")).toEqual(E.right(undefined));
      expect(await get(key("a"))).toEqual({ ...key("a"), quantity: { N: "5" }, ...others });
    });

    it("creates the item of a total that is missing, with only its key and the total", async () => {
      const { writerOf, get } = await fixture();
      expect(await write(writerOf("quantity"), key("b"), "7.25")).toEqual(E.right(undefined));
      expect(await get(key("b"))).toEqual({ ...key("b"), quantity: { N: "7.25" } });
    });

    it("removes the total alone and never deletes the item, even when only its key is left", async () => {
      const { writerOf, get, seed } = await fixture();
      await seed({ ...key("c"), quantity: { N: "6" }, ...others });
      await seed({ ...key("d"), quantity: { N: "1" } });
      const quantities = writerOf("quantity");
      expect(await write(quantities, key("c"), undefined)).toEqual(E.right(undefined));
      expect(await write(quantities, key("d"), undefined)).toEqual(E.right(undefined));
      expect(await get(key("c"))).toEqual({ ...key("c"), ...others });
      expect(await get(key("d"))).toEqual(key("d"));
    });

    it("removing a total that is absent changes nothing and creates no item", async () => {
      const { writerOf, get, seed } = await fixture();
      await seed({ ...key("e"), ...others });
      const quantities = writerOf("quantity");
      expect(await write(quantities, key("e"), undefined)).toEqual(E.right(undefined));
      expect(await write(quantities, key("nowhere"), undefined)).toEqual(E.right(undefined));
      expect(await get(key("e"))).toEqual({ ...key("e"), ...others });
      expect(await get(key("nowhere"))).toBeUndefined();
    });

    it("refuses an attribute named like a watermark, writing nothing", async () => {
      const { writerOf, get, seed } = await fixture();
      await seed({ ...key("f"), ...others });
      const watermarks = writerOf("__wm_0011223344556677");
      for (const total of ["1", undefined])
        expect(await write(watermarks, key("f"), total)).toEqual(
          E.left(expect.objectContaining({ _tag: "Configuration" })),
        );
      expect(await get(key("f"))).toEqual({ ...key("f"), ...others });
    });

    it("retries throttled writes", async () => {
      const { writerOf, get, throttle } = await fixture();
      throttle(2);
      expect(await write(writerOf("quantity"), key("g"), "3")).toEqual(E.right(undefined));
      expect(await get(key("g"))).toEqual({ ...key("g"), quantity: { N: "3" } });
    });

    it("reports a missing table as a Configuration error", async () => {
      const { missing } = await fixture();
      expect(await write(missing, key("h"), "1")).toEqual(
        E.left(expect.objectContaining({ _tag: "Configuration" })),
      );
    });
  });
