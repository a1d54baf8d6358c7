/**
 * `npm start`: the five seed scenarios end to end on the in-memory adapters, printing what each
 * pipeline produced.
 */
import { offlineAggregation } from "../adapters/memory/offline/aggregation.js";
import { offlineCsvLoad } from "../adapters/memory/offline/csvLoad.js";
import { offlineEventLog } from "../adapters/memory/offline/eventLog.js";
import { offlineGlueCopy } from "../adapters/memory/offline/glueCopy.js";
import { offlineReplication } from "../adapters/memory/offline/replication.js";
import { canonicalKey } from "../domain/attributeValue.js";
import { printRejects, printTable } from "./printTable.js";

const heading = (text: string) => console.log(`\n${"=".repeat(100)}\n${text}\n${"=".repeat(100)}`);

const seed000 = async () => {
  heading(
    "000 · DynamoDB stream → streamToQueue → SQS (FIFO) → queueToTable (batches of 10) → replica",
  );
  const p = offlineReplication({ keySchema: { partitionKey: "id" } });
  for (let i = 1; i <= 12; i++)
    p.db.put("source", {
      id: { S: `user-${String(i).padStart(2, "0")}` },
      plan: { S: i % 3 === 0 ? "pro" : "free" },
      credit: { N: `${i}0.${i}5` },
    });
  p.db.put("source", {
    id: { S: "user-03" },
    plan: { S: "enterprise" },
    credit: { N: "12345678901234567890123456789012345678" },
  });
  p.db.delete("source", { id: { S: "user-07" } });
  p.db.put("source", {
    id: { S: "user-13" },
    tags: { SS: ["beta", "eu"] },
    avatar: { B: "iVBORw0KGgo=" },
    prefs: { M: { lang: { S: "es" } } },
  });
  const { stream, queue } = await p.run();
  printTable("replica", p.db.scan("replica"), ["id"]);
  const same =
    JSON.stringify(p.db.scan("replica").map(canonicalKey)) ===
    JSON.stringify(p.db.scan("source").map(canonicalKey));
  console.log(
    `stream records: ${stream.records} in ${stream.invocations} invocation(s); queue: ${queue.invocations} invocation(s), ${queue.deleted} message(s) applied, dead-lettered: ${queue.redriven}`,
  );
  console.log(`replica equals source item for item: ${same ? "yes" : "NO"}`);
  printRejects(p.rejects.records);
};

const seed001 = async () => {
  heading(
    "001 · DynamoDB stream → streamToGlue (one StartJobRun per batch) → Glue job api-pagos → api-pos-backup",
  );
  const p = offlineGlueCopy({
    mappings: [
      ["id", "string", "id", "string"],
      ["amount", "decimal", "amount", "decimal"],
      ["status", "string", "state", "string"],
      ["address.city", "string", "city", "string"],
    ],
  });
  const payment = (id: string, amount: string, city: string, status: string) => ({
    id: { S: id },
    amount: { N: amount },
    status: { S: status },
    address: { M: { city: { S: city }, zip: { S: "15001" } } },
    internal: { S: "not copied" },
  });
  p.db.put("api-pagos", payment("pay-1", "120.50", "Lima", "PAID"));
  p.db.put("api-pagos", payment("pay-2", "75", "Quito", "PENDING"));
  p.db.put("api-pagos", payment("pay-3", "9.99", "Bogotá", "PAID"));
  p.db.put("api-pagos", payment("pay-2", "75", "Quito", "PAID"));
  const { delivered, runs } = await p.run();
  printTable("api-pos-backup", p.db.scan("api-pos-backup"), ["id"]);
  console.log(
    `stream records: ${delivered.records} in ${delivered.invocations} invocation(s); job runs: ${runs.map((r) => `${r.runId} ${r.state} (${r.result?.itemsWritten ?? 0} items)`).join(", ")}`,
  );
  printRejects(p.rejects.records);
};

const seed002 = async () => {
  heading(
    "002 · DynamoDB stream (batch size 2) → streamAggregate → totals per (day, item), exactly once",
  );
  const p = offlineAggregation();
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const order = (id: string, item: string, quantity: string) => ({
    order_id: { S: id },
    order_date: { S: now },
    item_id: { S: item },
    quantity: { N: quantity },
  });
  p.db.put("orders", order("178526", "item123", "10"));
  p.db.put("orders", order("178527", "item123", "30"));
  p.db.put("orders", order("172528", "item312", "10"));
  p.db.put("orders", order("178529", "item312", "30"));
  const stats = await p.run();
  printTable("totals", p.totals(), ["order_date", "item_number", "quantity"]);
  console.log(`stream records: ${stats.records} in ${stats.invocations} invocation(s)`);
  printRejects(p.rejects.records);
};

const seed003 = async () => {
  heading(
    "003 · Kinesis EventStream → kinesisToTable → EventLogs (one item per record, deterministic eventId)",
  );
  const p = offlineEventLog();
  const events = [
    { sensor: "temperature", value: 22.5 },
    { sensor: "humidity", value: 61 },
    { sensor: "pressure", value: 1013.2, unit: "hPa" },
  ];
  events.forEach((e, i) => {
    p.clock.advance(1_250);
    p.kinesis.putRecord("EventStream", String(i + 1), JSON.stringify(e));
  });
  p.kinesis.putRecord("EventStream", "4", "temperature=23");
  await p.run();
  printTable("EventLogs", p.db.scan("EventLogs"), ["eventId", "timestamp", "data"]);
  printRejects(p.rejects.records);
};

const seed004 = async () => {
  heading(
    "004 · CSV uploaded to S3 → csvToQueue (streamed, one message per row, DLQ) → queueToTable → table",
  );
  const p = offlineCsvLoad({
    tableKey: { partitionKey: "campo1", sortKey: "campo2" },
    schema: {
      columns: { campo3: "number", campo4: "boolean" },
      key: { partitionKey: "campo1", sortKey: "campo2" },
    },
  });
  const csv = [
    "campo1,campo2,campo3,campo4",
    "a1,b1,10,true",
    'a2,"b2, with a comma",20.5,false',
    "a3,b3,not-a-number,true",
    "a4,b4,40",
    'a5,"b5 ""quoted""",50,TRUE',
  ].join("\r\n");
  await p.upload("ejemplo.csv", `\uFEFF${csv}\r\n`);
  const stats = await p.run();
  printTable("items", p.db.scan("items"), ["campo1", "campo2"]);
  console.log(
    `queue: ${stats.invocations} invocation(s), ${stats.deleted} message(s) applied, dead-lettered: ${stats.redriven}`,
  );
  printRejects(p.rejects.records);
};

await seed000();
await seed001();
await seed002();
await seed003();
await seed004();
