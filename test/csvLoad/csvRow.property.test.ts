import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  type AttributeMap,
  type AttributeValue,
  type JsonValue,
  marshalJson,
} from "../../domain/attributeValue.js";
import { csvRowToItem } from "../../domain/csvRow.js";
import { bindHeader, type CsvSchema } from "../../domain/csvSchema.js";
import { readCsvRows } from "../../ports/useCases/readCsvRows.js";
import { chunksOf, collect } from "./csvRig.js";

const SCHEMA: CsvSchema = {
  key: { partitionKey: "id" },
  columns: {
    n: "number",
    b: "boolean",
    j: "json",
    ss: "stringSet",
    ns: "numberSet",
  },
};
const HEADER = ["id", "s", "n", "b", "j", "ss", "ns"];

/** Characters that stress CSV quoting, plus non-ASCII; never U+FFFD (read as "not UTF-8"). */
const char = fc.oneof(
  fc.constantFrom(",", '"', "\r", "\n", "|", " ", "é", "ñ", "😀", "\u00a0"),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }),
);
const text = (minLength = 0) => fc.string({ unit: char, minLength, maxLength: 12 });

const decimal = fc
  .tuple(
    fc.constantFrom("", "-"),
    fc.stringMatching(/^[0-9]{1,20}$/),
    fc.option(fc.stringMatching(/^[0-9]{1,17}$/), { nil: undefined }),
  )
  .map(([sign, int, frac]) => `${sign}${int}${frac === undefined ? "" : `.${frac}`}`);

const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
    fc.integer({ min: -100_000, max: 100_000 }).map((n) => n / 100),
    text(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.oneof(text(), fc.constant("__proto__")), tie("value"), { maxKeys: 3 }),
  ),
})).value;

interface Row {
  readonly cells: string[];
  readonly item: AttributeMap;
}

const optional = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined, freq: 4 });

const row: fc.Arbitrary<Row> = fc
  .record({
    id: text(1),
    s: optional(text(1)),
    n: optional(decimal),
    b: optional(fc.tuple(fc.boolean(), fc.constantFrom("lower", "upper", "title"))),
    j: optional(json),
    ss: optional(
      fc.uniqueArray(
        text(1).filter((t) => !t.includes("|")),
        { minLength: 1, maxLength: 4 },
      ),
    ),
    ns: optional(
      fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 4 }),
    ),
  })
  .map((v) => {
    const boolText = (value: boolean, style: string) => {
      const t = String(value);
      return style === "upper"
        ? t.toUpperCase()
        : style === "title"
          ? `${t[0]?.toUpperCase()}${t.slice(1)}`
          : t;
    };
    const entries: Array<[string, AttributeValue | undefined]> = [
      ["id", { S: v.id }],
      ["s", v.s === undefined ? undefined : { S: v.s }],
      ["n", v.n === undefined ? undefined : { N: v.n }],
      ["b", v.b === undefined ? undefined : { BOOL: v.b[0] }],
      ["j", v.j === undefined ? undefined : marshalJson(v.j)],
      ["ss", v.ss === undefined ? undefined : { SS: v.ss }],
      ["ns", v.ns === undefined ? undefined : { NS: v.ns.map(String) }],
    ];
    return {
      cells: [
        v.id,
        v.s ?? "",
        v.n ?? "",
        v.b === undefined ? "" : boolText(v.b[0], v.b[1]),
        v.j === undefined ? "" : JSON.stringify(v.j),
        v.ss?.join("|") ?? "",
        v.ns?.join("|") ?? "",
      ],
      item: Object.fromEntries(
        entries.filter((e): e is [string, AttributeValue] => e[1] !== undefined),
      ),
    };
  });

const lineBreak = fc.constantFrom("\n", "\r\n", "\r");

describe("CSV rows (property)", () => {
  it("empty last lines, of any line endings, add no row and no report, in any chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(text(), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        lineBreak,
        fc.array(lineBreak, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        async (cells, newline, trailing, sizes) => {
          // Every row ends with the file's line break; only empty lines follow the last one.
          const terminated = `${Papa.unparse(cells, { newline, quotes: true })}${newline}`;
          const read = (body: string) =>
            collect(readCsvRows(chunksOf(new TextEncoder().encode(body), sizes)));
          expect(await read(`${terminated}${trailing.join("")}`)).toEqual(await read(terminated));
          expect((await read(terminated)).map((line) => line.kind)).toEqual(cells.map(() => "row"));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("CSV-encode → stream-parse in any chunks → map gives back the typed values", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 15 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        async (rows, newline, bom, sizes) => {
          const csv = Papa.unparse([HEADER, ...rows.map((r) => r.cells)], { newline });
          const bytes = new TextEncoder().encode(`${bom ? "\uFEFF" : ""}${csv}`);
          const lines = await collect(readCsvRows(chunksOf(bytes, sizes)));
          const [header, ...data] = lines;
          if (header?.kind !== "row") throw new Error("no header");
          const layout = bindHeader(SCHEMA, header.cells, "h");
          if (E.isLeft(layout)) throw new Error(layout.left.reason);
          const items = data.map((line) => {
            if (line.kind !== "row") throw new Error(`line ${line.line}: ${line.reason}`);
            const item = csvRowToItem(layout.right, line.cells, `#L${line.line}`);
            if (E.isLeft(item)) throw new Error(`${item.left.field}: ${item.left.reason}`);
            return item.right;
          });
          expect(items).toEqual(rows.map((r) => r.item));
        },
      ),
      { numRuns: 200 },
    );
  });
});
