import { describe, expect, it } from "vitest";
import { readCsvRowBatches, readCsvRows } from "../../ports/useCases/readCsvRows.js";
import { chunksOf, collect } from "./csvRig.js";

const TEXT =
  'id,note\n1,"a, b"\n2,"line one\nline two"\n\n3,"say ""hi"""\n4,"unclosed at the end of a chunk, ' +
  'then closed"\n5,last';

describe("readCsvRowBatches", () => {
  it.each([[[7]], [[1, 2, 3]], [[65_536]]])(
    "yields, chunk by chunk, exactly the rows readCsvRows yields (chunks of %j bytes)",
    async (sizes) => {
      const bytes = new TextEncoder().encode(TEXT);
      const batches = await collect(readCsvRowBatches(chunksOf(bytes, sizes)));
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(await collect(readCsvRows(chunksOf(bytes, sizes))));
      expect(batches.flat().map((row) => row.line)).toEqual([1, 2, 3, 6, 7, 8]);
    },
  );

  it("pulls one chunk of the source per batch consumed", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new TextEncoder().encode(`${i},x\n${i},y\n`);
      }
    }
    const reader = readCsvRowBatches(source());
    const first = await reader.next();
    expect(first.value).toHaveLength(2);
    await reader.next();
    expect(pulled).toBe(2);
    await reader.return();
  });

  it("ends with the fatal line when a row outgrows the limit", async () => {
    const text = `a,b\n"${"x".repeat(50)}`;
    const batches = await collect(
      readCsvRowBatches(chunksOf(new TextEncoder().encode(text), [10]), { maxRowChars: 20 }),
    );
    expect(batches.at(-1)).toEqual([expect.objectContaining({ kind: "fatal", line: 2 })]);
  });
});
