/**
 * The data of the five seed scenarios, shared by `npm start` (in-memory adapters, bin/main.ts)
 * and `npm run start:emulators` (deployable handlers on DynamoDB Local and moto,
 * bin/emulatorMain.ts), so both runs show the same input.
 */
import type { Mapping } from "../domain/applyMapping.js";
import type { AttributeMap, KeySchema } from "../domain/attributeValue.js";
import type { CsvSchema } from "../domain/csvSchema.js";

/**
 * One write to a source table, in order.
 * @example const change: TableChange = { delete: { id: { S: "user-07" } } };
 */
export type TableChange = { readonly put: AttributeMap } | { readonly delete: AttributeMap };

/**
 * The scenarios' banner lines.
 * @example heading(headings.aggregation)
 */
export const headings = {
  replication:
    "000 · DynamoDB stream → streamToQueue → SQS (FIFO) → queueToTable (batches of 10) → replica",
  glue: "001 · DynamoDB stream → streamToGlue (one StartJobRun per batch) → Glue job api-pagos → api-pos-backup",
  aggregation:
    "002 · DynamoDB stream (batch size 2) → streamAggregate → totals per (day, item), exactly once",
  eventLog:
    "003 · Kinesis EventStream → kinesisToTable → EventLogs (one item per record, deterministic eventId)",
  csvLoad:
    "004 · CSV uploaded to S3 → csvToQueue (streamed, one message per row, DLQ) → queueToTable → table",
} as const;

/**
 * Prints a scenario's banner.
 * @example heading(headings.replication)
 */
export const heading = (text: string): void =>
  console.log(`\n${"=".repeat(100)}\n${text}\n${"=".repeat(100)}`);

/**
 * Seed 000: key of the `source` and `replica` tables.
 * @example offlineReplication({ keySchema: replicationKey })
 */
export const replicationKey: KeySchema = { partitionKey: "id" };

/**
 * Seed 000: twelve users, then an update with a 38-digit number, a delete, and an item with a
 * string set, a binary and a map.
 * @example for (const change of replicationChanges()) apply(change)
 */
export const replicationChanges = (): ReadonlyArray<TableChange> => {
  const changes: TableChange[] = [];
  for (let i = 1; i <= 12; i++)
    changes.push({
      put: {
        id: { S: `user-${String(i).padStart(2, "0")}` },
        plan: { S: i % 3 === 0 ? "pro" : "free" },
        credit: { N: `${i}0.${i}5` },
      },
    });
  changes.push(
    {
      put: {
        id: { S: "user-03" },
        plan: { S: "enterprise" },
        credit: { N: "12345678901234567890123456789012345678" },
      },
    },
    { delete: { id: { S: "user-07" } } },
    {
      put: {
        id: { S: "user-13" },
        tags: { SS: ["beta", "eu"] },
        avatar: { B: "iVBORw0KGgo=" },
        prefs: { M: { lang: { S: "es" } } },
      },
    },
  );
  return changes;
};

/**
 * Seed 001: the job's ApplyMapping (source path, source type, target path, target type).
 * @example offlineGlueCopy({ mappings: glueMappings })
 */
export const glueMappings: ReadonlyArray<Mapping> = [
  ["id", "string", "id", "string"],
  ["amount", "decimal", "amount", "decimal"],
  ["status", "string", "state", "string"],
  ["address.city", "string", "city", "string"],
];

const payment = (id: string, amount: string, city: string, status: string): TableChange => ({
  put: {
    id: { S: id },
    amount: { N: amount },
    status: { S: status },
    address: { M: { city: { S: city }, zip: { S: "15001" } } },
    internal: { S: "not copied" },
  },
});

/**
 * Seed 001: three payments written to `api-pagos`, then one of them paid.
 * @example await applyChanges(dynamodb, "api-pagos", paymentChanges)
 */
export const paymentChanges: ReadonlyArray<TableChange> = [
  payment("pay-1", "120.50", "Lima", "PAID"),
  payment("pay-2", "75", "Quito", "PENDING"),
  payment("pay-3", "9.99", "Bogotá", "PAID"),
  payment("pay-2", "75", "Quito", "PAID"),
];

/**
 * An ISO 8601 instant without milliseconds, as seed 002 writes `order_date`.
 * @example orderDateOf(new Date(0)) // "1970-01-01T00:00:00Z"
 */
export const orderDateOf = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, "Z");

/**
 * Seed 002: four orders of two items on one day; the totals are 40 and 40.
 * @example seedOrders("2026-11-21T10:00:00Z").length // 4
 */
export const seedOrders = (orderDate: string): ReadonlyArray<AttributeMap> =>
  (
    [
      ["178526", "item123", "10"],
      ["178527", "item123", "30"],
      ["172528", "item312", "10"],
      ["178529", "item312", "30"],
    ] as const
  ).map(([id, item, quantity]) => ({
    order_id: { S: id },
    order_date: { S: orderDate },
    item_id: { S: item },
    quantity: { N: quantity },
  }));

/**
 * Seed 003: three sensor readings (JSON) and one payload that is not JSON (logged as text).
 * @example for (const r of sensorRecords) kinesis.putRecord("EventStream", r.partitionKey, r.data);
 */
export const sensorRecords: ReadonlyArray<{
  readonly partitionKey: string;
  readonly data: string;
}> = [
  { partitionKey: "1", data: JSON.stringify({ sensor: "temperature", value: 22.5 }) },
  { partitionKey: "2", data: JSON.stringify({ sensor: "humidity", value: 61 }) },
  {
    partitionKey: "3",
    data: JSON.stringify({ sensor: "pressure", value: 1013.2, unit: "hPa" }),
  },
  { partitionKey: "4", data: "temperature=23" },
];

/**
 * Seed 004: key of the target table.
 * @example offlineCsvLoad({ tableKey: csvTableKey, schema: csvSchema })
 */
export const csvTableKey: KeySchema = { partitionKey: "campo1", sortKey: "campo2" };
/**
 * Seed 004: the CSV's column types and key (as `CSV_SCHEMA`, in JSON).
 * @example JSON.stringify(csvSchema)
 */
export const csvSchema: CsvSchema = {
  columns: { campo3: "number", campo4: "boolean" },
  key: { partitionKey: "campo1", sortKey: "campo2" },
};

/**
 * Seed 004: the uploaded object's key.
 * @example await p.upload(csvObjectKey, csvBody)
 */
export const csvObjectKey = "ejemplo.csv";

/**
 * Seed 004: the uploaded file (BOM, CRLF, quoted fields): three good rows, a number that is not
 * one, and a row with a missing column.
 * @example await p.upload(csvObjectKey, csvBody)
 */
export const csvBody = `\uFEFF${[
  "campo1,campo2,campo3,campo4",
  "a1,b1,10,true",
  'a2,"b2, with a comma",20.5,false',
  "a3,b3,not-a-number,true",
  "a4,b4,40",
  'a5,"b5 ""quoted""",50,TRUE',
].join("\r\n")}\r\n`;
