/**
 * `npm start`: the five seed scenarios end to end on the in-memory adapters, printing what each
 * pipeline produced, then the command line at work on the same adapters (bin/cliDemo.ts). The same scenarios run through the deployable handlers on local emulators
 * with `npm run start:emulators` (bin/emulatorMain.ts).
 */
import type { InMemoryDynamoDb } from "../adapters/localAws/services/InMemoryDynamoDb.js";
import { canonicalKey } from "../domain/attributeValue.js";
import { offlineAggregation } from "../handlers/assemblies/offlineAggregation.js";
import { offlineCsvLoad } from "../handlers/assemblies/offlineCsvLoad.js";
import { offlineEventLog } from "../handlers/assemblies/offlineEventLog.js";
import { offlineGlueCopy } from "../handlers/assemblies/offlineGlueCopy.js";
import { offlineReplication } from "../handlers/assemblies/offlineReplication.js";
import { cliDemo } from "./cliDemo.js";
import { printRejects, printTable } from "./printTable.js";
import {
  csvBody,
  csvObjectKey,
  csvSchema,
  csvTableKey,
  glueMappings,
  heading,
  headings,
  orderDateOf,
  paymentChanges,
  replicationChanges,
  replicationKey,
  seedOrders,
  sensorRecords,
  type TableChange,
} from "./scenarioData.js";

const apply = (db: InMemoryDynamoDb, table: string, changes: ReadonlyArray<TableChange>) => {
  for (const change of changes)
    if ("put" in change) db.put(table, change.put);
    else db.delete(table, change.delete);
};

const seed000 = async () => {
  heading(headings.replication);
  const p = offlineReplication({ keySchema: replicationKey });
  apply(p.db, "source", replicationChanges());
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
  heading(headings.glue);
  const p = offlineGlueCopy({ mappings: glueMappings });
  apply(p.db, "api-pagos", paymentChanges);
  const { delivered, runs } = await p.run();
  printTable("api-pos-backup", p.db.scan("api-pos-backup"), ["id"]);
  console.log(
    `stream records: ${delivered.records} in ${delivered.invocations} invocation(s); job runs: ${runs.map((r) => `${r.runId} ${r.state} (${r.result?.itemsWritten ?? 0} items)`).join(", ")}`,
  );
  printRejects(p.rejects.records);
};

const seed002 = async () => {
  heading(headings.aggregation);
  const p = offlineAggregation();
  for (const order of seedOrders(orderDateOf(new Date()))) p.db.put("orders", order);
  const stats = await p.run();
  printTable("totals", p.totals(), ["order_date", "item_number", "quantity"]);
  console.log(`stream records: ${stats.records} in ${stats.invocations} invocation(s)`);
  printRejects(p.rejects.records);
};

const seed003 = async () => {
  heading(headings.eventLog);
  const p = offlineEventLog();
  for (const { partitionKey, data } of sensorRecords) {
    p.clock.advance(1_250);
    p.kinesis.putRecord("EventStream", partitionKey, data);
  }
  await p.run();
  printTable("EventLogs", p.db.scan("EventLogs"), ["eventId", "timestamp", "data", "dataFormat"]);
  printRejects(p.rejects.records);
};

const seed004 = async () => {
  heading(headings.csvLoad);
  const p = offlineCsvLoad({ tableKey: csvTableKey, schema: csvSchema });
  await p.upload(csvObjectKey, csvBody);
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
await cliDemo();
