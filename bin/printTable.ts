import type { AttributeMap, AttributeValue } from "../domain/attributeValue.js";

/** A compact, readable rendering of a DynamoDB value (numbers keep every digit). */
export const renderValue = (value: AttributeValue | undefined): string => {
  if (value === undefined) return "";
  if ("S" in value) return value.S;
  if ("N" in value) return value.N;
  if ("B" in value) return `<${value.B}>`;
  if ("BOOL" in value) return String(value.BOOL);
  if ("NULL" in value) return "null";
  if ("SS" in value) return `{${value.SS.join(", ")}}`;
  if ("NS" in value) return `{${value.NS.join(", ")}}`;
  if ("BS" in value) return `{${value.BS.map((b) => `<${b}>`).join(", ")}}`;
  if ("L" in value) return `[${value.L.map(renderValue).join(", ")}]`;
  return `{${Object.entries(value.M)
    .map(([k, v]) => `${k}: ${renderValue(v)}`)
    .join(", ")}}`;
};

/**
 * Prints items as a text table, the given columns first, then every other attribute.
 * @example printTable("totals", db.scan("totals"), ["order_date", "item_number"])
 */
export const printTable = (
  title: string,
  items: ReadonlyArray<AttributeMap>,
  first: ReadonlyArray<string> = [],
): void => {
  const columns = [...first];
  for (const item of items)
    for (const name of Object.keys(item)) if (!columns.includes(name)) columns.push(name);
  const rows = items.map((item) => columns.map((c) => renderValue(item[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  console.log(`\n${title} (${items.length} item${items.length === 1 ? "" : "s"})`);
  if (items.length === 0) return;
  console.log([rule, line(columns), rule, ...rows.map(line), rule].join("\n"));
};

/**
 * Prints the records a pipeline rejected: record, field and reason.
 * @example printRejects(pipeline.rejects.records)
 */
export const printRejects = (
  records: ReadonlyArray<{
    readonly error: { readonly recordId: string; readonly field: string; readonly reason: string };
  }>,
): void => {
  if (records.length === 0) return;
  console.log(`rejected (${records.length}), reported and skipped:`);
  for (const { error } of records)
    console.log(`  - ${error.recordId} · ${error.field}: ${error.reason}`);
};
