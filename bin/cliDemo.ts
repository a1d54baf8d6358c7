/**
 * The end of `npm start`: the `dynamodb-pipelines` command line at work on the in-memory
 * adapters. Seed 002's aggregation runs, one total is corrupted by hand, `verify-aggregates`
 * finds it, `rebuild-aggregates` repairs it and `verify-aggregates` finds nothing more: the
 * binary's own command code (handlers/cli/*Command.ts) on the in-memory tables, printing what the
 * binary prints.
 */
import type { InMemoryDynamoDb } from "../adapters/localAws/services/InMemoryDynamoDb.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import { offlineAggregation } from "../handlers/assemblies/offlineAggregation.js";
import { formatKey } from "../handlers/cli/aggregateTables.js";
import type { CliIo } from "../handlers/cli/cliIo.js";
import { type Command, parseCommandArgs } from "../handlers/cli/command.js";
import { rebuildAggregatesCommandOn } from "../handlers/cli/rebuildAggregatesCommand.js";
import { inMemoryTables } from "../handlers/cli/tableAccess.js";
import { verifyAggregatesCommandOn } from "../handlers/cli/verifyAggregatesCommand.js";
import { printTable } from "./printTable.js";
import { heading, orderDateOf, seedOrders } from "./scenarioData.js";

/** The demo's banner line. */
export const cliDemoHeading =
  "dynamodb-pipelines (the command line) on the in-memory tables: verify-aggregates finds a total corrupted by hand, rebuild-aggregates repairs it";

/**
 * Lines as the binary prints them (stdout, and stderr with its progress bar left out: a
 * terminal redraws that line in place).
 */
const printingIo = (): CliIo => ({
  out: (line) => console.log(line),
  err: (line) => console.log(line),
  status: () => undefined,
  isTty: true,
  now: () => Date.now(),
});

/**
 * Runs one command as `dynamodb-pipelines <args>` would, echoing the command line and its exit
 * status. Returns the status.
 * @example await runShown(verify, ["verify-aggregates", "--orders", "orders", "--totals", "totals"]);
 */
export const runShown = async (command: Command, args: ReadonlyArray<string>): Promise<number> => {
  console.log(`\n$ dynamodb-pipelines ${args.join(" ")}`);
  const parsed = parseCommandArgs(command, args.slice(1));
  if (parsed._tag === "Left") throw new Error(`${command.name}: ${parsed.left}`);
  const code = await command.run(parsed.right.flags, parsed.right.positionals, printingIo());
  console.log(`(exit status ${code})`);
  return code;
};

/**
 * Adds `by` to one total's sum attribute by hand (a Put of the whole item, as an operator's
 * mistaken fix or a double-counted batch would leave it). Returns the sum before and after.
 * @example corruptTotal(db, "totals", total, "quantity", 5) // { before: "40", after: "45" }
 */
export const corruptTotal = (
  db: InMemoryDynamoDb,
  table: string,
  total: AttributeMap,
  attribute: string,
  by: number,
): { readonly before: string; readonly after: string } => {
  const current = total[attribute];
  const before = current !== undefined && "N" in current ? current.N : "0";
  const after = String(Number(before) + by);
  db.put(table, { ...total, [attribute]: { N: after } });
  return { before, after };
};

/**
 * The demo: aggregation, corruption, verify (exit 1), rebuild (exit 0), verify (exit 0).
 * @example await cliDemo();
 */
export const cliDemo = async (): Promise<ReadonlyArray<number>> => {
  heading(cliDemoHeading);
  const p = offlineAggregation();
  for (const order of seedOrders(orderDateOf(new Date()))) p.db.put("orders", order);
  await p.run();
  const first = p.totals()[0];
  if (first === undefined) throw new Error("the aggregation wrote no total");
  const { before, after } = corruptTotal(p.db, "totals", first, "quantity", 5);
  printTable("totals after a hand edit (quantity + 5 on the first total)", p.totals(), [
    "order_date",
    "item_number",
    "quantity",
  ]);
  const { quantity: _, ...key } = first;
  console.log(`hand edit: ${formatKey(key)} quantity ${before} → ${after}`);
  const tables = inMemoryTables(p.db);
  const verify = verifyAggregatesCommandOn(tables);
  const rebuild = rebuildAggregatesCommandOn(tables);
  const flags = ["--orders", "orders", "--totals", "totals"];
  return [
    await runShown(verify, ["verify-aggregates", ...flags]),
    await runShown(rebuild, ["rebuild-aggregates", ...flags]),
    await runShown(verify, ["verify-aggregates", ...flags]),
  ];
};
