/**
 * The benchmark CSV: a product file with quoted fields (commas, doubled quotes, and a line break
 * inside quotes on 1 row in 20), written as a stream in ~1 MB pieces, never whole in memory.
 * Files are cached in the OS temp directory by size, so reruns skip the generation.
 */
import { once } from "node:events";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { CsvSchema } from "../../domain/csvSchema.js";

/** The header row; `price` and `qty` are numbers, `active` a boolean, key (sku, store). */
export const CSV_HEADER = "sku,store,name,price,qty,active,notes,updated\n";

/** The CSV_SCHEMA the benchmark loads the file with. */
export const benchCsvSchema: CsvSchema & { readonly key: KeySchema } = {
  columns: { price: "number", qty: "number", active: "boolean" },
  key: { partitionKey: "sku", sortKey: "store" },
};

const NAMES = ["Widget", "Gadget", "Sprocket", "Flange", "Bracket", "Gizmo"];

/**
 * Row `i` of the file (1-based data rows), ending with a line break.
 * @example csvRow(1) // 'SKU-00000001,store-01,"Gadget, size 1 ""pro""",…\n'
 */
export const csvRow = (i: number): string => {
  const name = `"${NAMES[i % NAMES.length]}, size ${i % 13} ""pro"""`;
  const notes =
    i % 20 === 0
      ? `"restocked, check shelf\nsecond line of notes"`
      : `"fragile, keep dry (batch ${i % 997})"`;
  const price = `${(i % 500) + 1}.${String(i % 100).padStart(2, "0")}`;
  return `SKU-${String(i).padStart(8, "0")},store-${String(i % 50).padStart(2, "0")},${name},${price},${i % 40},${i % 3 === 0 ? "true" : "false"},${notes},2026-11-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z\n`;
};

/**
 * Writes a CSV file of about `megabytes` MB (header included) as a stream, awaiting the disk
 * between pieces, and returns its path and row count. An existing file of that size is reused.
 * @example const { path, rows } = await benchCsvFile(100);
 */
export const benchCsvFile = async (
  megabytes: number,
): Promise<{ readonly path: string; readonly rows: number; readonly bytes: number }> => {
  const dir = join(tmpdir(), "dynamodb-pipelines-bench");
  mkdirSync(dir, { recursive: true });
  const target = megabytes * 1_000_000;
  const path = join(dir, `products-${megabytes}mb-v1.csv`);
  const meta = `${path}.rows`;
  if (existsSync(path) && existsSync(meta)) {
    return { path, rows: Number(readFileSync(meta, "utf8")), bytes: statSync(path).size };
  }
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let bytes = CSV_HEADER.length;
  let rows = 0;
  out.write(CSV_HEADER);
  while (bytes < target) {
    let piece = "";
    while (piece.length < 1_000_000 && bytes + piece.length < target) piece += csvRow(++rows);
    bytes += piece.length;
    if (!out.write(piece)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  renameSync(partial, path);
  writeFileSync(meta, String(rows));
  return { path, rows, bytes };
};
