import { describe, expect, it } from "vitest";
import { type CsvLine, readCsvRows } from "../../ports/useCases/readCsvRows.js";
import { chunksOf, collect } from "./csvRig.js";

const rowsOf = (text: string | Uint8Array, sizes: number[] = [65_536]): Promise<CsvLine[]> =>
  collect(
    readCsvRows(chunksOf(typeof text === "string" ? new TextEncoder().encode(text) : text, sizes)),
  );

const TRICKY =
  '\uFEFFid,note,qty\r\n1,"a, b",2\r\n2,"line one\r\nline two",3\r\n\r\n3,"say ""hi""",4\r\n4,más ñ 😀,5';

const EXPECTED: CsvLine[] = [
  { kind: "row", line: 1, cells: ["id", "note", "qty"] },
  { kind: "row", line: 2, cells: ["1", "a, b", "2"] },
  { kind: "row", line: 3, cells: ["2", "line one\r\nline two", "3"] },
  { kind: "row", line: 6, cells: ["3", 'say "hi"', "4"] },
  { kind: "row", line: 7, cells: ["4", "más ñ 😀", "5"] },
];

describe("readCsvRows", () => {
  it("reads quoted fields, CRLF, a BOM, and counts physical lines", async () => {
    expect(await rowsOf(TRICKY)).toEqual(EXPECTED);
  });

  it.each([[[1]], [[2]], [[3, 1, 7]], [[5]], [[13, 2]]])(
    "gives the same rows whatever the chunk boundaries (%j bytes)",
    async (sizes) => {
      expect(await rowsOf(TRICKY, sizes)).toEqual(EXPECTED);
    },
  );

  it("reads \\n and lone \\r line endings and a final line break", async () => {
    expect(await rowsOf("a,b\n1,2\n")).toEqual([
      { kind: "row", line: 1, cells: ["a", "b"] },
      { kind: "row", line: 2, cells: ["1", "2"] },
    ]);
    expect(await rowsOf("a,b\r1,2\r", [3])).toEqual([
      { kind: "row", line: 1, cells: ["a", "b"] },
      { kind: "row", line: 2, cells: ["1", "2"] },
    ]);
  });

  it("skips empty lines but keeps counting them", async () => {
    expect(await rowsOf("a\n\n\nb\n")).toEqual([
      { kind: "row", line: 1, cells: ["a"] },
      { kind: "row", line: 4, cells: ["b"] },
    ]);
  });

  it("reads nothing from empty last lines, whatever their line endings, in any chunks", async () => {
    const rows: CsvLine[] = [
      { kind: "row", line: 1, cells: ["a", "b"] },
      { kind: "row", line: 2, cells: ["1", "2"] },
    ];
    for (const text of [
      "a,b\n1,2\n\r\n",
      "a,b\n1,2\n\r\n\n\r\n",
      "a,b\n1,2\n\r",
      "a,b\r\n1,2\r\n\n",
      "a,b\r\n1,2\r\n\r",
      "a,b\r1,2\r\r\n",
    ])
      for (const sizes of [[65_536], [1], [3, 1]])
        expect(await rowsOf(text, sizes), JSON.stringify([text, sizes])).toEqual(rows);
  });

  it("still reports a row, or an empty line followed by a row, with another line ending than the file's", async () => {
    const mixed = { kind: "malformed", reason: expect.stringContaining("mixed line endings") };
    expect(await rowsOf("a,b\n1,2\r\n3,4\n\r\n")).toEqual([
      { kind: "row", line: 1, cells: ["a", "b"] },
      { ...mixed, line: 2 },
      { kind: "row", line: 3, cells: ["3", "4"] },
    ]);
    // A CR file: the row before an LF-started line is read; that line holds the foreign break.
    expect(await rowsOf("a,b\r1,2\r\n3,4\r")).toEqual([
      { kind: "row", line: 1, cells: ["a", "b"] },
      { kind: "row", line: 2, cells: ["1", "2"] },
      { ...mixed, line: 3 },
    ]);
    for (const sizes of [[65_536], [1]])
      expect(await rowsOf("a,b\n\r\n\r\n1,2\n", sizes)).toEqual([
        { kind: "row", line: 1, cells: ["a", "b"] },
        { ...mixed, line: 2 },
        { ...mixed, line: 3 },
        { kind: "row", line: 4, cells: ["1", "2"] },
      ]);
  });

  it("reports malformed quotes on the line the row starts on", async () => {
    const lines = await rowsOf('id,v\n1,ok\n2,"bad"x\n');
    expect(lines).toEqual([
      { kind: "row", line: 1, cells: ["id", "v"] },
      { kind: "row", line: 2, cells: ["1", "ok"] },
      { kind: "malformed", line: 3, reason: "Trailing quote on quoted field is malformed" },
    ]);
  });

  it("reports an unterminated quote at the end of the object", async () => {
    const lines = await rowsOf('id,v\n1,ok\n2,"never closed\n3,x\n');
    expect(lines.slice(0, 2).map((l) => l.kind)).toEqual(["row", "row"]);
    expect(lines[2]).toMatchObject({ kind: "malformed", line: 3 });
  });

  it("reports rows holding bytes that are not UTF-8 on their line and reads on", async () => {
    const encode = (text: string) => [...new TextEncoder().encode(text)];
    // "caf\xe9" is Latin-1, not UTF-8.
    const bytes = new Uint8Array([...encode("id,v\n1,caf"), 0xe9, ...encode("\n2,café\n")]);
    for (const sizes of [[65_536], [1]]) {
      expect(await rowsOf(bytes, sizes)).toEqual([
        { kind: "row", line: 1, cells: ["id", "v"] },
        { kind: "malformed", line: 2, reason: expect.stringContaining("UTF-8") },
        { kind: "row", line: 3, cells: ["2", "café"] },
      ]);
    }
  });

  it("stops with a fatal line when a row grows past the limit", async () => {
    const text = `id,v\n1,"${"x".repeat(5000)}`;
    const lines = await collect(
      readCsvRows(chunksOf(new TextEncoder().encode(text), [100]), { maxRowChars: 1000 }),
    );
    expect(lines).toEqual([
      { kind: "row", line: 1, cells: ["id", "v"] },
      { kind: "fatal", line: 2, reason: expect.stringContaining("longer than 1000") },
    ]);
  });

  it("pulls the source only as rows are consumed", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new TextEncoder().encode(`${i}\n`);
      }
    }
    const reader = readCsvRows(source());
    await reader.next();
    await reader.next();
    expect(pulled).toBeLessThanOrEqual(3);
    await reader.return();
  });
});
