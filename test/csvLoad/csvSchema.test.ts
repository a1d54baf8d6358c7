import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  bindHeader,
  type CsvSchema,
  CsvSchemaCodec,
  columnType,
  decodeCsvSchema,
} from "../../domain/csvSchema.js";

const HEADER_ID = "s3://in/k.csv?etag=e#L1";

const decoded = (value: unknown): CsvSchema => {
  const result = decodeCsvSchema(value);
  if (E.isLeft(result)) throw new Error(result.left);
  return result.right;
};

const problem = (value: unknown): string => {
  const result = decodeCsvSchema(value);
  if (E.isRight(result)) throw new Error("expected the schema to be refused");
  return result.left;
};

describe("decodeCsvSchema", () => {
  it("decodes columns, key and emptyAs", () => {
    const schema = decoded({
      columns: { qty: "number", tags: "stringSet", raw: "skip" },
      key: { partitionKey: "id", sortKey: "qty" },
      emptyAs: "null",
    });
    expect(schema).toEqual({
      columns: { qty: "number", tags: "stringSet", raw: "skip" },
      key: { partitionKey: "id", sortKey: "qty" },
      emptyAs: "null",
    });
  });

  it("defaults columns to {} and leaves emptyAs unset", () => {
    expect(decoded({ key: { partitionKey: "id" } })).toEqual({
      columns: {},
      key: { partitionKey: "id" },
    });
  });

  it("refuses an unknown column type, naming the path", () => {
    expect(problem({ key: { partitionKey: "id" }, columns: { qty: "integer" } })).toContain(
      "columns.qty",
    );
  });

  it("accepts a schema without a key (the target table keys the rows)", () => {
    expect(decoded({ columns: { qty: "number" } })).toEqual({ columns: { qty: "number" } });
  });

  it("refuses unknown top-level properties (typos)", () => {
    expect(problem({ key: { partitionKey: "id" }, emptyAS: "null" })).toContain("emptyAS");
  });

  it.each(["json", "skip", "stringSet", "numberSet", "boolean"])(
    "refuses a %s key column",
    (type) => {
      expect(problem({ key: { partitionKey: "id" }, columns: { id: type } })).toContain(
        "key column id",
      );
      expect(
        problem({ key: { partitionKey: "id", sortKey: "s" }, columns: { s: type } }),
      ).toContain("key column s");
    },
  );

  it("accepts string and number key columns", () => {
    expect(
      decoded({ key: { partitionKey: "id", sortKey: "n" }, columns: { n: "number" } }).key,
    ).toEqual({ partitionKey: "id", sortKey: "n" });
  });

  it("refuses a sort key equal to the partition key, or empty key names", () => {
    expect(problem({ key: { partitionKey: "id", sortKey: "id" } })).toContain("differ");
    expect(problem({ key: { partitionKey: "" } })).toContain("partitionKey");
  });

  it("is exposed as an io-ts codec", () => {
    expect(E.isRight(CsvSchemaCodec.decode({ key: { partitionKey: "id" } }))).toBe(true);
    expect(E.isLeft(CsvSchemaCodec.decode({ key: {} }))).toBe(true);
    expect(CsvSchemaCodec.is({ columns: {}, key: { partitionKey: "id" } })).toBe(true);
  });

  it("treats __proto__ and constructor as ordinary column names", () => {
    const schema = decoded(
      JSON.parse('{"key":{"partitionKey":"id"},"columns":{"__proto__":"number"}}'),
    );
    expect(columnType(schema, "__proto__")).toBe("number");
    expect(columnType(schema, "constructor")).toBe("string");
    expect(columnType(decoded({ key: { partitionKey: "id" } }), "__proto__")).toBe("string");
  });
});

describe("bindHeader", () => {
  it("without a schema: every column a string, no key (the table's key schema decides)", () => {
    const layout = bindHeader(undefined, ["sku", "name"], HEADER_ID);
    expect(layout).toEqual(
      E.right({
        columns: [
          { name: "sku", type: "string" },
          { name: "name", type: "string" },
        ],
        emptyAs: "omit",
      }),
    );
  });

  it("types the listed columns and leaves the others strings", () => {
    const schema = decoded({ key: { partitionKey: "id" }, columns: { qty: "number" } });
    const layout = bindHeader(schema, ["id", "qty", "note"], HEADER_ID);
    expect(E.isRight(layout) && layout.right.columns.map((c) => c.type)).toEqual([
      "string",
      "number",
      "string",
    ]);
  });

  it("refuses a header without a key column, naming it", () => {
    const schema = decoded({ key: { partitionKey: "id", sortKey: "day" } });
    expect(bindHeader(schema, ["id", "qty"], HEADER_ID)).toEqual(
      E.left({
        _tag: "InvalidRecord",
        recordId: HEADER_ID,
        field: "day",
        reason: "key column is missing from the header",
      }),
    );
  });

  it("refuses duplicate column names", () => {
    const layout = bindHeader(undefined, ["id", "a", "a"], HEADER_ID);
    expect(E.isLeft(layout) && layout.left.field).toBe("a");
  });

  it("refuses a header without any column name", () => {
    expect(E.isLeft(bindHeader(undefined, ["", ""], HEADER_ID))).toBe(true);
    expect(E.isRight(bindHeader(undefined, ["", "a"], HEADER_ID))).toBe(true);
  });

  it("keeps nameless columns as skipped positions", () => {
    const layout = bindHeader(undefined, ["id", "", ""], HEADER_ID);
    expect(E.isRight(layout) && layout.right.columns.map((c) => c.type)).toEqual([
      "string",
      "skip",
      "skip",
    ]);
  });
});
