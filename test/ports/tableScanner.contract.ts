import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { type AttributeMap, canonicalKey, itemSize } from "../../domain/attributeValue.js";
import type { TableScanner } from "../../ports/tableScanner.js";
import { contractItem as item, itemOfSize, unorderedItem } from "../support/tableItems.js";

/**
 * A table scanner under test, on an on-demand table of key `pk` (S) and sort key `sk` (N), with a
 * way to fill the table.
 * @example const { scanner, seed } = await fixture();
 */
export interface TableScannerFixture {
  readonly scanner: TableScanner;
  /** Writes these items into the scanned table. */
  readonly seed: (items: ReadonlyArray<AttributeMap>) => Promise<void>;
  /** A scanner on a table that does not exist, and that table's name. */
  readonly missing: { readonly scanner: TableScanner; readonly table: string };
}

/** Every page `scan` delivered, and what it returned. */
const scanAll = async (
  scanner: TableScanner,
  options: { readonly segments?: number; readonly pageLimit?: number } = {},
) => {
  const pages: AttributeMap[][] = [];
  const result = await scanner.scan({
    ...options,
    onPage: async (items) => {
      await Promise.resolve();
      pages.push([...items]);
    },
  })();
  return { result, pages, items: pages.flat() };
};

const sortedKeys = (items: ReadonlyArray<AttributeMap>) =>
  items.map((i) => canonicalKey({ pk: i.pk as never, sk: i.sk as never })).sort();

/**
 * The TableScanner port's contract (DescribeTable, then a parallel Scan following
 * LastEvaluatedKey), written from the DynamoDB API reference; run against every adapter.
 * @example tableScannerContract("InMemoryTableScanner", async () => ({ scanner, seed, missing }));
 */
export const tableScannerContract = (
  name: string,
  fixture: () => Promise<TableScannerFixture>,
): void => {
  describe(`TableScanner contract: ${name}`, () => {
    it("describes the key schema, partition key first, and an on-demand table's capacity as 0", async () => {
      const { scanner } = await fixture();
      const described = await scanner.describe()();
      expect(described).toEqual(
        E.right({
          keys: [
            { name: "pk", type: "S" },
            { name: "sk", type: "N" },
          ],
          itemCount: expect.any(Number),
          readCapacity: 0,
          writeCapacity: 0,
        }),
      );
    });

    it("scans an empty table to its end: no page holds an item, the count is 0", async () => {
      const { scanner } = await fixture();
      const { result, items } = await scanAll(scanner, { segments: 3 });
      expect(result).toEqual(E.right(0));
      expect(items).toEqual([]);
    });

    it("delivers every item exactly once across segments and pages, values intact", async () => {
      const { scanner, seed } = await fixture();
      const written = Array.from({ length: 37 }, (_, i) =>
        item(`p${i % 7}`, i, {
          n: { N: "12345678901234567890.5" },
          b: { B: "AAEC" },
          m: { M: { l: { L: [{ S: "x" }, { BOOL: true }, { NULL: true }] } } },
        }),
      );
      await seed(written);
      const { result, pages, items } = await scanAll(scanner, { segments: 3, pageLimit: 4 });
      expect(result).toEqual(E.right(37));
      expect(sortedKeys(items)).toEqual(sortedKeys(written));
      expect(new Set(sortedKeys(items)).size).toBe(37);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(4);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(37 / 4));
      const byKey = new Map(items.map((i) => [sortedKeys([i])[0], unorderedItem(i)]));
      for (const w of written) expect(byKey.get(sortedKeys([w])[0])).toEqual(unorderedItem(w));
    });

    it("reads with one segment too, and a write made just before the scan is seen", async () => {
      const { scanner, seed } = await fixture();
      await seed([item("a", 1), item("a", 2), item("b", 1)]);
      await seed([item("c", 9, { late: { S: "yes" } })]);
      const { result, items } = await scanAll(scanner, { segments: 1 });
      expect(result).toEqual(E.right(4));
      expect(items).toContainEqual(item("c", 9, { late: { S: "yes" } }));
    });

    it("pages by DynamoDB's 1 MB limit when no Limit is given", async () => {
      const { scanner, seed } = await fixture();
      const big = Array.from({ length: 24 }, (_, i) => itemOfSize("big", i, 100_000));
      await seed(big);
      const { result, pages } = await scanAll(scanner, { segments: 1 });
      expect(result).toEqual(E.right(24));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      for (const page of pages)
        expect(page.reduce((n, i) => n + itemSize(i), 0)).toBeLessThanOrEqual(
          1024 * 1024 + 100_000,
        );
    });

    it("returns a Configuration error naming a table that does not exist", async () => {
      const { missing } = await fixture();
      const configuration = E.left(
        expect.objectContaining({
          _tag: "Configuration",
          resource: expect.stringContaining(missing.table),
        }),
      );
      expect(await missing.scanner.describe()()).toEqual(configuration);
      const { result, items } = await scanAll(missing.scanner, { segments: 2 });
      expect(result).toEqual(configuration);
      expect(items).toEqual([]);
    });
  });
};
