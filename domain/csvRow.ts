import * as E from "fp-ts/lib/Either.js";
import {
  type AttributeMap,
  type AttributeValue,
  itemSize,
  type JsonValue,
  keyOf,
  MAX_ITEM_BYTES,
  marshalJson,
} from "./attributeValue.js";
import type { CsvColumn, CsvLayout } from "./csvSchema.js";
import { isDynamoNumber, normalizeNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import type { PutCommand } from "./writeCommand.js";

/** A parsed row: cells aligned with the header, or a record keyed by column name. */
export type CsvRow = ReadonlyArray<string> | Readonly<Record<string, string>>;

/** Separator of the elements of `stringSet` and `numberSet` cells. */
export const SET_SEPARATOR = "|";

type Cell = E.Either<string, AttributeValue | undefined>;

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false };

/** Number tokens of a JSON text (strings skipped), to check that JSON.parse keeps them exact. */
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

const inexactNumber = (text: string): string | undefined => {
  for (const [token] of text.matchAll(JSON_TOKENS)) {
    if (token.startsWith('"')) continue;
    const exact =
      isDynamoNumber(token) && normalizeNumber(String(Number(token))) === normalizeNumber(token);
    if (!exact) return token;
  }
  return undefined;
};

const jsonCell = (text: string): Cell => {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return E.left("not valid JSON");
  }
  const token = inexactNumber(text);
  return token === undefined
    ? E.right(marshalJson(parsed))
    : E.left(`JSON number ${token} cannot be kept exactly (use a "number" column for it)`);
};

const setElements = (text: string): E.Either<string, string[]> => {
  const elements = text.split(SET_SEPARATOR);
  return elements.some((element) => element === "")
    ? E.left(`empty element in a set (elements are separated by "${SET_SEPARATOR}")`)
    : E.right(elements);
};

const convert = (column: CsvColumn, text: string): Cell => {
  switch (column.type) {
    case "skip":
      return E.right(undefined);
    case "string":
      return E.right({ S: text });
    case "number": {
      const n = text.trim();
      return isDynamoNumber(n) ? E.right({ N: n }) : E.left(`"${text}" is not a number`);
    }
    case "boolean": {
      const b = text.trim().toLowerCase();
      return Object.hasOwn(BOOLEANS, b)
        ? E.right({ BOOL: BOOLEANS[b] as boolean })
        : E.left(`"${text}" is not true or false`);
    }
    case "json":
      return jsonCell(text);
    case "stringSet":
      return E.map((elements: string[]) => ({ SS: [...new Set(elements)] }))(setElements(text));
    case "numberSet": {
      const elements = setElements(text);
      if (E.isLeft(elements)) return elements;
      const unique = new Map<string, string>();
      for (const element of elements.right) {
        const n = element.trim();
        if (!isDynamoNumber(n)) return E.left(`"${element}" in the set is not a number`);
        if (!unique.has(normalizeNumber(n))) unique.set(normalizeNumber(n), n);
      }
      return E.right({ NS: [...unique.values()] });
    }
  }
};

const emptyCell = (column: CsvColumn, layout: CsvLayout): AttributeValue | undefined => {
  if (column.type === "skip") return undefined;
  if (layout.emptyAs === "null") return { NULL: true };
  if (layout.emptyAs === "emptyString" && column.type === "string") return { S: "" };
  return undefined;
};

const isKeyColumn = (layout: CsvLayout, name: string): boolean =>
  name === layout.key.partitionKey || name === layout.key.sortKey;

const cellsOf = (
  layout: CsvLayout,
  row: CsvRow,
  rowId: string,
): E.Either<InvalidRecord, ReadonlyArray<string>> => {
  if (Array.isArray(row)) {
    const cells = row as ReadonlyArray<string>;
    return cells.length === layout.columns.length
      ? E.right(cells)
      : E.left(
          invalidRecord(
            rowId,
            "$",
            `expected ${layout.columns.length} columns, got ${cells.length}`,
          ),
        );
  }
  const record = row as Readonly<Record<string, string>>;
  const names = new Set(layout.columns.map((column) => column.name));
  const extra = Object.keys(record).find((name) => !names.has(name));
  if (extra !== undefined) return E.left(invalidRecord(rowId, extra, "not a column of the header"));
  return E.right(
    layout.columns.map((column) =>
      Object.hasOwn(record, column.name) ? (record[column.name] as string) : "",
    ),
  );
};

/**
 * Maps one parsed row to an item. Numbers keep every digit (the text is validated, never turned
 * into a JS number); booleans are `true`/`false` in any case; sets are split on `|` (duplicates
 * dropped, empty elements refused); empty cells follow `layout.emptyAs`; key cells must be
 * non-empty. Attribute names are own properties, so a column named `__proto__` is an ordinary
 * attribute. Errors name the row and the column (`"$"` for a wrong column count).
 * @example csvRowToItem(layout, ["1", "12.50"], "s3://in/k.csv?etag=e#L2") // right: { id: { S: "1" }, price: { N: "12.50" } }
 */
export const csvRowToItem = (
  layout: CsvLayout,
  row: CsvRow,
  rowId: string,
): E.Either<InvalidRecord, AttributeMap> => {
  const cells = cellsOf(layout, row, rowId);
  if (E.isLeft(cells)) return cells;
  const entries: Array<[string, AttributeValue]> = [];
  for (const [index, column] of layout.columns.entries()) {
    const text = cells.right[index] ?? "";
    if (column.name === "") {
      if (text !== "")
        return E.left(
          invalidRecord(rowId, `column ${index + 1}`, "value in a column without a name"),
        );
      continue;
    }
    if (text === "") {
      if (isKeyColumn(layout, column.name))
        return E.left(invalidRecord(rowId, column.name, "key column is empty"));
      const value = emptyCell(column, layout);
      if (value !== undefined) entries.push([column.name, value]);
      continue;
    }
    const value = convert(column, text);
    if (E.isLeft(value)) return E.left(invalidRecord(rowId, column.name, value.left));
    if (value.right !== undefined) entries.push([column.name, value.right]);
  }
  // Object.fromEntries defines own data properties: "__proto__" cannot reach the prototype.
  const item: AttributeMap = Object.fromEntries(entries);
  const size = itemSize(item);
  return size > MAX_ITEM_BYTES
    ? E.left(invalidRecord(rowId, "$", `item of ${size} bytes exceeds DynamoDB's 400 KB`))
    : E.right(item);
};

/**
 * Maps one row to the put command that writes it, keyed by the layout's key; `source` = row id.
 * @example csvRowToCommand(layout, ["1", "x"], "s3://in/k.csv?etag=e#L2") // right: { op: "put", key: { id: { S: "1" } }, … }
 */
export const csvRowToCommand = (
  layout: CsvLayout,
  row: CsvRow,
  rowId: string,
): E.Either<InvalidRecord, PutCommand> => {
  const item = csvRowToItem(layout, row, rowId);
  if (E.isLeft(item)) return item;
  const key = keyOf(item.right, layout.key);
  // Unreachable with a layout from bindHeader (key columns exist, are non-empty and not skipped).
  if (key === undefined)
    return E.left(invalidRecord(rowId, layout.key.partitionKey, "key column is missing"));
  return E.right({ op: "put", key, item: item.right, source: rowId });
};
