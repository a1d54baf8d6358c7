import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import type { KeySchema } from "./attributeValue.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";

/**
 * How one CSV column becomes an attribute: `string` → S, `number` → N (digits kept exactly),
 * `boolean` → BOOL, `json` → the parsed value (M, L, …), `stringSet` / `numberSet` → SS / NS
 * (elements separated by `|`), `skip` → not written.
 */
export type ColumnType =
  | "string"
  | "number"
  | "boolean"
  | "json"
  | "stringSet"
  | "numberSet"
  | "skip";

/**
 * What an empty cell becomes: `omit` (no attribute, the default), `null` (NULL), or
 * `emptyString` (S "" in string columns; other column types omit the attribute, since "" is no
 * number, boolean, JSON value or set).
 */
export type EmptyAs = "omit" | "null" | "emptyString";

/**
 * The CSV_SCHEMA model: column types (unlisted columns are strings), empty cells, and optionally
 * the key. Without `key`, rows travel as items and the target table's key schema keys them
 * (queueToTable, DescribeTable); with it, the key columns must be non-empty and the key travels
 * with the row (checked against the item by the reader).
 */
export interface CsvSchema {
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly key?: KeySchema;
  readonly emptyAs?: EmptyAs;
}

const ColumnTypeCodec = t.keyof({
  string: null,
  number: null,
  boolean: null,
  json: null,
  stringSet: null,
  numberSet: null,
  skip: null,
});

const Shape = t.intersection([
  t.type({}),
  t.partial({
    key: t.intersection([t.type({ partitionKey: t.string }), t.partial({ sortKey: t.string })]),
    columns: t.record(t.string, ColumnTypeCodec),
    emptyAs: t.keyof({ omit: null, null: null, emptyString: null }),
  }),
]);

/** Column types a key attribute may have: DynamoDB keys are S, N or B. */
const KEY_TYPES: ReadonlySet<ColumnType> = new Set<ColumnType>(["string", "number"]);
const TOP_LEVEL = new Set(["columns", "key", "emptyAs"]);

/**
 * The declared type of a column (own properties only: a column named `__proto__` or
 * `constructor` is an ordinary column); unlisted columns are strings.
 * @example columnType({ columns: { qty: "number" }, key: { partitionKey: "id" } }, "qty") // "number"
 */
export const columnType = (schema: Pick<CsvSchema, "columns">, name: string): ColumnType =>
  Object.hasOwn(schema.columns, name) ? (schema.columns[name] as ColumnType) : "string";

const pathOf = (errors: t.Errors): string =>
  errors[0]?.context
    .map((entry) => entry.key)
    .filter((key) => key !== "" && !/^\d+$/.test(key))
    .join(".") || "$";

const checkSchema = (schema: CsvSchema): string | undefined => {
  if (schema.key === undefined) return undefined;
  const { partitionKey, sortKey } = schema.key;
  if (partitionKey === "") return "key.partitionKey is empty";
  if (sortKey === "") return "key.sortKey is empty";
  if (sortKey === partitionKey) return "key.sortKey must differ from key.partitionKey";
  for (const name of sortKey === undefined ? [partitionKey] : [partitionKey, sortKey]) {
    const type = columnType(schema, name);
    if (!KEY_TYPES.has(type))
      return `key column ${name} is "${type}": key columns must be "string" or "number"`;
  }
  return undefined;
};

/**
 * Validates a parsed CSV_SCHEMA: shape (io-ts), no unknown top-level property, key columns
 * typed `string` or `number`. Returns the schema with `columns` defaulted to `{}`.
 * @example decodeCsvSchema({ key: { partitionKey: "id" }, columns: { qty: "number" } })
 */
export const decodeCsvSchema = (value: unknown): E.Either<string, CsvSchema> => {
  const decoded = Shape.decode(value);
  if (E.isLeft(decoded)) return E.left(`${pathOf(decoded.left)} is missing or invalid`);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return E.left("$ is missing or invalid");
  const unknown = Object.keys(value as object).filter((name) => !TOP_LEVEL.has(name));
  if (unknown.length > 0)
    return E.left(`unknown propert${unknown.length > 1 ? "ies" : "y"} ${unknown.join(", ")}`);
  const { key, columns, emptyAs } = decoded.right;
  const schema: CsvSchema = {
    columns: columns ?? {},
    ...(key === undefined
      ? {}
      : { key: key.sortKey === undefined ? { partitionKey: key.partitionKey } : key }),
    ...(emptyAs === undefined ? {} : { emptyAs }),
  };
  const problem = checkSchema(schema);
  return problem === undefined ? E.right(schema) : E.left(problem);
};

/**
 * The io-ts codec of CSV_SCHEMA (decode = {@link decodeCsvSchema}; encode = the JSON model).
 * @example CsvSchemaCodec.decode(JSON.parse(process.env.CSV_SCHEMA ?? "{}"))
 */
export const CsvSchemaCodec: t.Type<CsvSchema, CsvSchema, unknown> = new t.Type<
  CsvSchema,
  CsvSchema,
  unknown
>(
  "CsvSchema",
  (u): u is CsvSchema => E.isRight(decodeCsvSchema(u)),
  (u, context) => {
    const decoded = decodeCsvSchema(u);
    return E.isRight(decoded) ? t.success(decoded.right) : t.failure(u, context, decoded.left);
  },
  t.identity,
);

/** One column of a file, bound to its type. Columns without a header name have `name: ""`. */
export interface CsvColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/**
 * A schema bound to the header of one file: what each position of a row means, and the key
 * when the schema names one (else the target table keys the rows).
 */
export interface CsvLayout {
  readonly columns: ReadonlyArray<CsvColumn>;
  readonly key?: KeySchema;
  readonly emptyAs: EmptyAs;
}

/**
 * Binds a schema to a file's header row. Without a schema every column is a string; without a
 * schema key the rows carry no key (the target table's key schema keys them). Key columns named
 * by the schema must be in the header; header names must be unique (columns with an empty name
 * are allowed: their cells must stay empty). `headerId` names the header row in errors.
 * @example bindHeader(undefined, ["id", "name"], "s3://b/k.csv#L1") // right: no key, two string columns
 */
export const bindHeader = (
  schema: CsvSchema | undefined,
  header: ReadonlyArray<string>,
  headerId: string,
): E.Either<InvalidRecord, CsvLayout> => {
  const seen = new Set<string>();
  for (const name of header) {
    if (name !== "" && seen.has(name))
      return E.left(invalidRecord(headerId, name, "duplicate column name in the header"));
    seen.add(name);
  }
  if (header.every((name) => name === ""))
    return E.left(invalidRecord(headerId, "$", "the header has no column names"));
  const resolved: CsvSchema = schema ?? { columns: {} };
  if (resolved.key !== undefined) {
    const { partitionKey, sortKey } = resolved.key;
    for (const name of sortKey === undefined ? [partitionKey] : [partitionKey, sortKey]) {
      if (!seen.has(name))
        return E.left(invalidRecord(headerId, name, "key column is missing from the header"));
    }
  }
  return E.right({
    columns: header.map((name) => ({
      name,
      type: name === "" ? "skip" : columnType(resolved, name),
    })),
    ...(resolved.key === undefined ? {} : { key: resolved.key }),
    emptyAs: resolved.emptyAs ?? "omit",
  });
};
