import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { csvRowToCommand, csvRowToItem } from "../../domain/csvRow.js";
import {
  bindHeader,
  type ColumnType,
  type CsvLayout,
  type EmptyAs,
} from "../../domain/csvSchema.js";
import type { InvalidRecord } from "../../domain/errors.js";

const ROW = "s3://in/k.csv?etag=e#L7";

const layoutOf = (
  header: string[],
  columns: Record<string, ColumnType> = {},
  emptyAs?: EmptyAs,
  key: { partitionKey: string; sortKey?: string } = { partitionKey: header[0] as string },
): CsvLayout => {
  const layout = bindHeader(
    { columns, key, ...(emptyAs === undefined ? {} : { emptyAs }) },
    header,
    "h",
  );
  if (E.isLeft(layout)) throw new Error(layout.left.reason);
  return layout.right;
};

const item = (layout: CsvLayout, row: ReadonlyArray<string> | Record<string, string>) => {
  const result = csvRowToItem(layout, row, ROW);
  if (E.isLeft(result)) throw new Error(`${result.left.field}: ${result.left.reason}`);
  return result.right;
};

const error = (layout: CsvLayout, row: ReadonlyArray<string>): InvalidRecord => {
  const result = csvRowToItem(layout, row, ROW);
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  return result.left;
};

describe("csvRowToItem: typed columns", () => {
  const layout = layoutOf(["id", "price", "big", "ok", "doc", "tags", "sizes", "note", "raw"], {
    price: "number",
    big: "number",
    ok: "boolean",
    doc: "json",
    tags: "stringSet",
    sizes: "numberSet",
    raw: "skip",
  });

  it("maps every type to its DynamoDB value, keeping number digits as written", () => {
    const digits38 = "12345678901234567890123456789012345678";
    expect(
      item(layout, [
        "a-1",
        "12.50",
        digits38,
        "TRUE",
        '{"city":"Lima","n":2,"tags":["x"],"z":null}',
        "red|blue|red",
        "1|1.0|2",
        "hello, world",
        "ignored",
      ]),
    ).toEqual({
      id: { S: "a-1" },
      price: { N: "12.50" },
      big: { N: digits38 },
      ok: { BOOL: true },
      doc: {
        M: { city: { S: "Lima" }, n: { N: "2" }, tags: { L: [{ S: "x" }] }, z: { NULL: true } },
      },
      tags: { SS: ["red", "blue"] },
      sizes: { NS: ["1", "2"] },
      note: { S: "hello, world" },
    });
  });

  it("reads booleans case-insensitively and refuses anything else", () => {
    const base = ["a", "1", "1", "", "", "", "", "", ""];
    const at = (ok: string) => {
      const row = [...base];
      row[3] = ok;
      return row;
    };
    expect(item(layout, at("False")).ok).toEqual({ BOOL: false });
    expect(item(layout, at("tRuE")).ok).toEqual({ BOOL: true });
    expect(error(layout, at("yes"))).toMatchObject({ recordId: ROW, field: "ok" });
  });

  it.each(["1,5", "abc", "1e999", "0x10", "12345678901234567890123456789012345678901"])(
    "refuses the number %s, naming the column",
    (text) => {
      expect(error(layout, ["a", text, "1", "", "", "", "", "", ""])).toMatchObject({
        _tag: "InvalidRecord",
        recordId: ROW,
        field: "price",
      });
    },
  );

  it("refuses invalid JSON and JSON numbers DynamoDB cannot store; keeps every digit of the others", () => {
    expect(error(layout, ["a", "", "", "", "{nope", "", "", "", ""]).field).toBe("doc");
    expect(
      item(layout, ["a", "", "", "", '{"n":12345678901234567890}', "", "", "", ""]).doc,
    ).toEqual({ M: { n: { N: "12345678901234567890" } } });
    const big = error(layout, ["a", "", "", "", '{"n":1e400}', "", "", "", ""]);
    expect(big).toMatchObject({ field: "doc" });
    expect(big.reason).toContain("1e400");
    expect(
      item(layout, ["a", "", "", "", '{"n":"12345678901234567890"}', "", "", "", ""]).doc,
    ).toEqual({ M: { n: { S: "12345678901234567890" } } });
  });

  it("refuses empty set elements and non-numbers in number sets", () => {
    expect(error(layout, ["a", "", "", "", "", "x||y", "", "", ""]).field).toBe("tags");
    expect(error(layout, ["a", "", "", "", "", "", "1|two", "", ""]).field).toBe("sizes");
  });
});

describe("csvRowToItem: empty cells", () => {
  const header = ["id", "name", "qty", "tags"];
  const types: Record<string, ColumnType> = { qty: "number", tags: "stringSet" };

  it("omits empty cells by default", () => {
    expect(item(layoutOf(header, types), ["a", "", "", ""])).toEqual({ id: { S: "a" } });
  });

  it("writes NULL with emptyAs null", () => {
    expect(item(layoutOf(header, types, "null"), ["a", "", "", ""])).toEqual({
      id: { S: "a" },
      name: { NULL: true },
      qty: { NULL: true },
      tags: { NULL: true },
    });
  });

  it("writes S '' in string columns only with emptyAs emptyString", () => {
    expect(item(layoutOf(header, types, "emptyString"), ["a", "", "", ""])).toEqual({
      id: { S: "a" },
      name: { S: "" },
    });
  });

  it("refuses an empty key cell whatever emptyAs says", () => {
    const layout = layoutOf(["id", "day"], {}, "emptyString", {
      partitionKey: "id",
      sortKey: "day",
    });
    expect(error(layout, ["a", ""])).toEqual({
      _tag: "InvalidRecord",
      recordId: ROW,
      field: "day",
      reason: "key column is empty",
    });
    expect(error(layout, ["", "x"]).field).toBe("id");
  });
});

describe("csvRowToItem: shape of the row", () => {
  const layout = layoutOf(["id", "name"]);

  it("reports a wrong column count on field $", () => {
    expect(error(layout, ["a"])).toEqual({
      _tag: "InvalidRecord",
      recordId: ROW,
      field: "$",
      reason: "expected 2 columns, got 1",
    });
    expect(error(layout, ["a", "b", "c"]).field).toBe("$");
  });

  it("accepts a record keyed by column name, missing columns being empty", () => {
    expect(item(layout, { id: "a", name: "n" })).toEqual({ id: { S: "a" }, name: { S: "n" } });
    expect(item(layout, { id: "a" })).toEqual({ id: { S: "a" } });
    const extra = csvRowToItem(layout, { id: "a", other: "x" }, ROW);
    expect(E.isLeft(extra) && extra.left.field).toBe("other");
  });

  it("keeps __proto__ and constructor columns as ordinary attributes", () => {
    const layout = layoutOf(["id", "__proto__", "constructor", "toString"]);
    const result = item(layout, ["a", "x", "y", "z"]);
    expect(Object.keys(result)).toEqual(["id", "__proto__", "constructor", "toString"]);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, "__proto__")?.value).toEqual({ S: "x" });
    expect(result.constructor).toEqual({ S: "y" });
  });

  it("lets a __proto__ column be typed through a JSON schema", () => {
    const columns = JSON.parse('{"__proto__":"number"}') as Record<string, ColumnType>;
    const layout = layoutOf(["id", "__proto__"], columns);
    expect(Object.getOwnPropertyDescriptor(item(layout, ["a", "42"]), "__proto__")?.value).toEqual({
      N: "42",
    });
  });

  it("ignores empty nameless columns and refuses values in them", () => {
    const layout = layoutOf(["id", "name", ""]);
    expect(item(layout, ["a", "n", ""])).toEqual({ id: { S: "a" }, name: { S: "n" } });
    expect(error(layout, ["a", "n", "x"]).field).toBe("column 3");
  });

  it("refuses an item over 400 KB", () => {
    expect(error(layout, ["a", "x".repeat(410 * 1024)])).toMatchObject({ field: "$" });
  });
});

describe("csvRowToCommand", () => {
  it("builds a put keyed by the layout's key, sourced by the row id", () => {
    const layout = layoutOf(["day", "id", "qty"], { qty: "number" }, undefined, {
      partitionKey: "id",
      sortKey: "day",
    });
    expect(csvRowToCommand(layout, ["2024-01-01", "a", "3"], ROW)).toEqual(
      E.right({
        op: "put",
        key: { id: { S: "a" }, day: { S: "2024-01-01" } },
        item: { day: { S: "2024-01-01" }, id: { S: "a" }, qty: { N: "3" } },
        source: ROW,
      }),
    );
  });

  it("supports number keys, keeping their digits", () => {
    const layout = layoutOf(["n", "v"], { n: "number" });
    const command = csvRowToCommand(layout, ["007.50", "x"], ROW);
    expect(E.isRight(command) && command.right.key).toEqual({ n: { N: "007.50" } });
  });
});
