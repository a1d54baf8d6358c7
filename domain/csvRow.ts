import * as E from "fp-ts/lib/Either.js";
import { MAX_NESTING_DEPTH, validateAttributeValue } from "./attributeValidation.js";
import {
  type AttributeMap,
  type AttributeValue,
  itemSize,
  keyOf,
  MAX_ITEM_BYTES,
} from "./attributeValue.js";
import type { CsvColumn, CsvLayout } from "./csvSchema.js";
import { isDynamoNumber, normalizeNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { parseJsonAttribute } from "./jsonAttribute.js";
import type { PutCommand } from "./writeCommand.js";

/** A parsed row: cells aligned with the header, or a record keyed by column name. */
export type CsvRow = ReadonlyArray<string> | Readonly<Record<string, string>>;

/** Separator of the elements of `stringSet` and `numberSet` cells. */
export const SET_SEPARATOR = "|";

type Cell = E.Either<string, AttributeValue | undefined>;

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false };

/**
 * A `json` cell: parsed with every number digit kept (domain/jsonAttribute.ts), then checked as
 * DynamoDB would (numbers within 38 digits and range, at most 32 levels of nesting).
 */
const jsonCell = (text: string): Cell => {
  const parsed = parseJsonAttribute(text, MAX_NESTING_DEPTH);
  if (E.isLeft(parsed))
    return E.left(
      parsed.left.path === ""
        ? `not valid JSON (${parsed.left.reason})`
        : `JSON value at ${parsed.left.path}: ${parsed.left.reason}`,
    );
  const problem = validateAttributeValue(parsed.right, "");
  if (problem === undefined) return E.right(parsed.right);
  return E.left(
    problem.path === "" ? problem.reason : `JSON value at ${problem.path}: ${problem.reason}`,
  );
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
  layout.key !== undefined && (name === layout.key.partitionKey || name === layout.key.sortKey);

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
  // Built by assignment (fast properties: JSON.stringify of the message is ≈ 1.5× faster than
  // on an Object.fromEntries object, measured by bench/csvLoad.ts); "__proto__" is defined.
  const item: Record<string, AttributeValue> = {};
  // Upper bound of the item's size: ≤ 3 bytes per UTF-16 unit of a name, ≤ 4 per character of
  // a cell (JSON nesting and number encodings stay below that), + 4 per attribute.
  let sizeBound = 0;
  const { columns } = layout;
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index] as CsvColumn;
    const text = cells.right[index] ?? "";
    if (column.name === "") {
      if (text !== "")
        return E.left(
          invalidRecord(rowId, `column ${index + 1}`, "value in a column without a name"),
        );
      continue;
    }
    let value: AttributeValue | undefined;
    if (text === "") {
      if (isKeyColumn(layout, column.name))
        return E.left(invalidRecord(rowId, column.name, "key column is empty"));
      value = emptyCell(column, layout);
    } else {
      const converted = convert(column, text);
      if (E.isLeft(converted)) return E.left(invalidRecord(rowId, column.name, converted.left));
      value = converted.right;
    }
    if (value === undefined) continue;
    if (column.name === "__proto__")
      Object.defineProperty(item, column.name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else item[column.name] = value;
    sizeBound += 3 * column.name.length + 4 * text.length + 4;
  }
  if (sizeBound <= MAX_ITEM_BYTES) return E.right(item);
  const size = itemSize(item);
  return size > MAX_ITEM_BYTES
    ? E.left(invalidRecord(rowId, "$", `item of ${size} bytes exceeds DynamoDB's 400 KB`))
    : E.right(item);
};

/**
 * Maps one row to the put command that writes it; `source` = row id. Keyed by the layout's key
 * when the schema names one; else its key is empty (`{}`): the row travels as an item and the
 * reader keys it by its table's key schema (domain/messageBody.ts).
 * @example csvRowToCommand(layout, ["1", "x"], "s3://in/k.csv?etag=e#L2") // right: { op: "put", key: {}, item: { id: { S: "1" }, … }, … }
 */
export const csvRowToCommand = (
  layout: CsvLayout,
  row: CsvRow,
  rowId: string,
): E.Either<InvalidRecord, PutCommand> => {
  const item = csvRowToItem(layout, row, rowId);
  if (E.isLeft(item)) return item;
  if (layout.key === undefined)
    return E.right({ op: "put", key: {}, item: item.right, source: rowId });
  const key = keyOf(item.right, layout.key);
  // Unreachable with a layout from bindHeader (key columns exist, are non-empty and not skipped).
  if (key === undefined)
    return E.left(invalidRecord(rowId, layout.key.partitionKey, "key column is missing"));
  return E.right({ op: "put", key, item: item.right, source: rowId });
};
