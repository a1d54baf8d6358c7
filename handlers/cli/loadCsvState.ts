import { createReadStream } from "node:fs";
import { appendFile, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import * as E from "fp-ts/lib/Either.js";
import { S3ObjectStore } from "../../adapters/aws/S3ObjectStore.js";
import type { KeyAttribute } from "../../domain/aggregateMarkers.js";
import { csvRowIds } from "../../domain/csvRowId.js";
import { type CsvSchema, decodeCsvSchema } from "../../domain/csvSchema.js";
import { describeError } from "../../domain/errors.js";
import type { RejectedRow } from "../../ports/useCases/loadCsvIntoTable.js";
import { readJson } from "./cliIo.js";

/** An opened CSV: its bytes, what identifies this version of it, and its row ids. */
export interface CsvSource {
  readonly body: AsyncIterable<Uint8Array>;
  /** Size and mtime of a file, ETag or version of an S3 object: a resume must read the same. */
  readonly identity: string;
  /** Bytes, when known (progress and ETA). */
  readonly size: number | undefined;
  readonly rowId: (line: number) => string;
}

/**
 * Opens a local file or an `s3://bucket/key` object (GetObject through the pipelines' S3 adapter).
 * @example const source = await openCsv("orders.csv"); // right({ body, identity, size, rowId })
 */
export const openCsv = async (location: string): Promise<E.Either<string, CsvSource>> => {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (s3 !== null) {
    const [, bucket = "", key = ""] = s3;
    // A custom endpoint (MinIO, moto, LocalStack) rarely resolves virtual-hosted bucket names.
    const custom = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    const client = new S3Client(custom === undefined ? {} : { forcePathStyle: true });
    const opened = await new S3ObjectStore(client).open({ bucket, key })();
    if (E.isLeft(opened)) return E.left(describeError(opened.left));
    const { body, etag, versionId } = opened.right;
    const ref = versionId === undefined ? { bucket, key, etag } : { bucket, key, etag, versionId };
    return E.right({
      body,
      identity: versionId ?? etag,
      size: undefined,
      rowId: csvRowIds(ref),
    });
  }
  const path = resolve(location);
  try {
    const info = await stat(path);
    return E.right({
      body: createReadStream(path, { highWaterMark: 64 * 1024 }),
      identity: `${info.size}:${info.mtimeMs}`,
      size: info.size,
      rowId: (line) => `file://${path}#L${line}`,
    });
  } catch (error) {
    return E.left(`cannot read ${location}: ${(error as Error).message}`);
  }
};

/**
 * The schema of a load: the `--schema` file (its `key` optional), keyed by the table's key
 * schema, whose number keys are number columns. Left when the file names another key.
 * @example await loadSchema("schema.json", [{ name: "campo1", type: "S" }]) // right({ key: { partitionKey: "campo1" }, … })
 */
export const loadSchema = async (
  path: string | undefined,
  keys: ReadonlyArray<KeyAttribute>,
): Promise<E.Either<string, CsvSchema>> => {
  const json = path === undefined ? E.right({}) : await readJson(path);
  if (E.isLeft(json)) return json;
  if (typeof json.right !== "object" || json.right === null || Array.isArray(json.right))
    return E.left(`${path}: expected { columns?, key?, emptyAs? }`);
  const given = json.right as { key?: unknown; columns?: Record<string, unknown> };
  const [pk, sk] = keys;
  if (pk === undefined) return E.left("the table has no key schema");
  const key =
    sk === undefined ? { partitionKey: pk.name } : { partitionKey: pk.name, sortKey: sk.name };
  if (given.key !== undefined && JSON.stringify(given.key) !== JSON.stringify(key))
    return E.left(
      `${path}: key ${JSON.stringify(given.key)} is not the table's key ${JSON.stringify(key)}`,
    );
  const columns: Record<string, unknown> = { ...(given.columns ?? {}) };
  for (const attribute of keys)
    if (attribute.type === "N" && !Object.hasOwn(columns, attribute.name))
      columns[attribute.name] = "number";
  const decoded = decodeCsvSchema({ ...given, key, columns });
  return E.isLeft(decoded) ? E.left(`${path ?? "schema"}: ${decoded.left}`) : decoded;
};

/** What a checkpoint file holds: which load, and the last line done. */
export interface Checkpoint {
  readonly source: string;
  readonly table: string;
  readonly identity: string;
  readonly line: number;
}

/**
 * The checkpoint of an interrupted load of this source into this table: the line to resume
 * after (0 when there is none), or why it cannot be used.
 * @example await readCheckpoint("orders.csv.checkpoint.json", expected) // right(1200)
 */
export const readCheckpoint = async (
  path: string,
  expected: Omit<Checkpoint, "line">,
): Promise<E.Either<string, number>> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return E.right(0);
  }
  let saved: Partial<Checkpoint>;
  try {
    saved = JSON.parse(text) as Partial<Checkpoint>;
  } catch {
    return E.left(`checkpoint ${path} is not JSON; delete it or pass --restart`);
  }
  if (
    saved.source !== expected.source ||
    saved.table !== expected.table ||
    saved.identity !== expected.identity ||
    typeof saved.line !== "number"
  )
    return E.left(
      `checkpoint ${path} belongs to another load (source, table or file version changed); pass --restart to load from the start`,
    );
  return E.right(saved.line);
};

/**
 * Writes the checkpoint atomically (a temporary file renamed over it).
 * @example await writeCheckpoint(path, { source, table, identity, line: 1200 })
 */
export const writeCheckpoint = async (path: string, checkpoint: Checkpoint): Promise<void> => {
  await writeFile(`${path}.tmp`, JSON.stringify(checkpoint));
  await rename(`${path}.tmp`, path);
};

/**
 * Removes the checkpoint of a finished load.
 * @example await clearCheckpoint(path)
 */
export const clearCheckpoint = (path: string): Promise<void> => rm(path, { force: true });

const csvCell = (text: string): string =>
  /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;

/**
 * The report's header line (a fresh load) and rows (`line,field,reason`).
 * @example await appendRejects(path, [{ line: 4, field: "campo3", reason: "not a number" }], true)
 */
export const appendRejects = async (
  path: string,
  rows: ReadonlyArray<RejectedRow>,
  fresh: boolean,
): Promise<void> => {
  const text = rows
    .map((row) => `${row.line},${csvCell(row.field)},${csvCell(row.reason)}\n`)
    .join("");
  if (fresh) await writeFile(path, `line,field,reason\n${text}`);
  else if (text !== "") await appendFile(path, text);
};
