import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { MARKER_PREFIX } from "../../domain/aggregateMarkers.js";
import { createTable, emulatorClients } from "../support/emulators.js";
import { emulatorEnv, runCliBinary } from "./runBinary.js";

/**
 * verify-aggregates and rebuild-aggregates through the real binary on DynamoDB Local. The
 * totals are written by hand from seed 002's rule (quantity summed per UTC day of order_date
 * and item_id), so a total corrupted by hand, a total missing and a stray total are what the
 * commands must find, and rebuild must leave a table verify accepts.
 */

const { dynamodb } = emulatorClients();

const ORDERS = [
  { order_id: "o1", order_date: "2026-11-21T10:00:00Z", item_id: "apple", quantity: 3 },
  { order_id: "o2", order_date: "2026-11-21T23:30:00-05:00", item_id: "apple", quantity: 4 }, // UTC 22nd
  { order_id: "o3", order_date: "2026-11-21", item_id: "apple", quantity: 2.5 },
  { order_id: "o4", order_date: "2026-11-21", item_id: "pear", quantity: 7 },
  { order_id: "o5", order_date: "2026-11-22", item_id: "pear", quantity: "lots" }, // unreadable
  { order_id: "o6", order_date: "2026-11-23", item_id: "fig" }, // no quantity: adds nothing
];
/** Seed 002's totals of ORDERS, computed by hand. */
const TOTALS = [
  { order_date: "2026-11-21", item_number: "apple", quantity: 5.5 },
  { order_date: "2026-11-22", item_number: "apple", quantity: 4 },
  { order_date: "2026-11-21", item_number: "pear", quantity: 7 },
];

const putAll = async (table: string, items: ReadonlyArray<Record<string, unknown>>) => {
  await dynamodb.send(
    new BatchWriteItemCommand({
      RequestItems: { [table]: items.map((item) => ({ PutRequest: { Item: marshall(item) } })) },
    }),
  );
};

const totalOf = async (table: string, day: string, item: string) =>
  (
    await dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: marshall({ order_date: day, item_number: item }),
        ConsistentRead: true,
      }),
    )
  ).Item;

describe("verify-aggregates / rebuild-aggregates on DynamoDB Local", () => {
  let orders: string;
  let totals: string;
  const flags = () => ["--orders", orders, "--totals", totals, "--segments", "3"];
  beforeEach(async () => {
    orders = (await createTable(dynamodb, "cli-orders", { order_id: "S" })).name;
    totals = (await createTable(dynamodb, "cli-totals", { order_date: "S", item_number: "S" }))
      .name;
    await putAll(orders, ORDERS);
    await putAll(totals, [
      ...TOTALS,
      // A marker of the pipeline's exactly-once writes: not a total.
      { order_date: `${MARKER_PREFIX}evt-1`, item_number: "-", expiresAt: 1 },
    ]);
  });

  it("finds nothing wrong in correct totals (exit 0), and lists the unreadable order", async () => {
    const result = await runCliBinary(["verify-aggregates", ...flags()], emulatorEnv());
    expect(result.stderr).not.toContain("verify-aggregates:");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("0 differ");
    expect(result.stdout).toMatch(/unreadable order: .*o5.*quantity/);
  });

  it("finds a total corrupted by hand, a missing one and a stray one (exit 1); rebuild repairs them", async () => {
    await dynamodb.send(
      new PutItemCommand({
        TableName: totals,
        Item: marshall({ order_date: "2026-11-21", item_number: "apple", quantity: 99 }),
      }),
    );
    await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [totals]: [
            { DeleteRequest: { Key: marshall({ order_date: "2026-11-21", item_number: "pear" }) } },
            {
              PutRequest: {
                Item: marshall({ order_date: "2026-11-30", item_number: "ghost", quantity: 1 }),
              },
            },
          ],
        },
      }),
    );
    const verify = await runCliBinary(["verify-aggregates", "--json", ...flags()], emulatorEnv());
    expect(verify.code).toBe(1);
    const summary = JSON.parse(verify.stdout) as { orders: number; differences: unknown[] };
    expect(summary.orders).toBe(6);
    expect(summary.differences).toEqual(
      expect.arrayContaining([
        {
          key: { order_date: { S: "2026-11-21" }, item_number: { S: "apple" } },
          expected: "5.5",
          found: "99",
        },
        {
          key: { order_date: { S: "2026-11-21" }, item_number: { S: "pear" } },
          expected: "7",
        },
        {
          key: { order_date: { S: "2026-11-30" }, item_number: { S: "ghost" } },
          expected: "0",
          found: "1",
        },
      ]),
    );
    expect(summary.differences).toHaveLength(3);
    const text = await runCliBinary(["verify-aggregates", ...flags()], emulatorEnv());
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      "differs: order_date=2026-11-21 item_number=apple expected 5.5 found 99",
    );

    const rebuild = await runCliBinary(["rebuild-aggregates", "--json", ...flags()], emulatorEnv());
    expect(rebuild.code).toBe(0);
    expect(JSON.parse(rebuild.stdout)).toEqual({ differences: 3, set: 2, removed: 1, failed: [] });
    expect(await totalOf(totals, "2026-11-21", "apple")).toEqual(
      marshall({ order_date: "2026-11-21", item_number: "apple", quantity: 5.5 }),
    );
    expect(await totalOf(totals, "2026-11-21", "pear")).toBeDefined();
    // The stray total's attribute is removed; the item is never deleted (its key is left).
    expect(await totalOf(totals, "2026-11-30", "ghost")).toEqual(
      marshall({ order_date: "2026-11-30", item_number: "ghost" }),
    );
    expect(await totalOf(totals, `${MARKER_PREFIX}evt-1`, "-")).toBeDefined();

    const again = await runCliBinary(["verify-aggregates", ...flags()], emulatorEnv());
    expect(again.code).toBe(0);
  });

  it("refuses a totals table the spec's groupBy does not key (exit 2)", async () => {
    const result = await runCliBinary(
      ["verify-aggregates", "--orders", orders, "--totals", orders],
      emulatorEnv(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("is keyed by (order_id)");
  });

  it("names a table that does not exist (exit 2)", async () => {
    const result = await runCliBinary(
      ["verify-aggregates", "--orders", "no-such-table", "--totals", totals],
      emulatorEnv(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("table no-such-table");
  });
});

/**
 * One totals table shared by two aggregations of the same orders (README: AGGREGATION_ID): one
 * sums `quantity` into `quantity`, the other `price` into `revenue`; the items carry watermark
 * attributes (`__wm_…`, the pipeline's bookkeeping in watermark mode) and the table holds marker
 * items. The quantities are corrupted by hand; rebuilding them must leave every other attribute
 * and item as it was.
 */
describe("rebuild-aggregates on a totals table shared with another aggregation", () => {
  const orders = [
    { order_id: "o1", order_date: "2026-11-21", item_id: "apple", quantity: 3, price: 10 },
    { order_id: "o2", order_date: "2026-11-21", item_id: "apple", quantity: 2, price: 5 },
    { order_id: "o3", order_date: "2026-11-21", item_id: "pear", quantity: 7, price: 1 },
    // No quantity: only the revenue aggregation has a total for the fig.
    { order_id: "o4", order_date: "2026-11-22", item_id: "fig", price: 4 },
  ];
  const spec = (source: string, target: string) => ({
    groupBy: [
      { target: "order_date", source: "order_date", transform: "day" },
      { target: "item_number", source: "item_id" },
    ],
    sum: { source, target },
  });
  const watermarks = (n: number) => ({
    __wm_0011223344556677: `${"0".repeat(37)}10${n}@1796600000`,
    __wm_8899aabbccddeeff: `${"0".repeat(37)}20${n}@1796600000`,
  });
  /** The totals both aggregations wrote, correct. */
  const correct = [
    { order_date: "2026-11-21", item_number: "apple", quantity: 5, revenue: 15, ...watermarks(1) },
    { order_date: "2026-11-21", item_number: "pear", quantity: 7, revenue: 1, ...watermarks(2) },
    { order_date: "2026-11-22", item_number: "fig", revenue: 4, ...watermarks(3) },
    { order_date: `${MARKER_PREFIX}quantities#evt-1`, item_number: "-", expiresAt: 1 },
    { order_date: `${MARKER_PREFIX}revenue#evt-1`, item_number: "-", expiresAt: 1 },
  ];
  /** The same table after a hand edit of the quantities only. */
  const corrupted = [
    { ...correct[0], quantity: 99 },
    { ...correct[1], quantity: undefined },
    { ...correct[2], quantity: 6 },
    correct[3],
    correct[4],
    // A total of quantities only, which no order feeds.
    { order_date: "2026-11-23", item_number: "ghost", quantity: 1 },
  ].map((item) =>
    Object.fromEntries(Object.entries(item ?? {}).filter(([, v]) => v !== undefined)),
  );

  const scanAll = async (table: string) =>
    ((await dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [])
      .map((item) => unmarshall(item))
      .map((item) => ({ id: `${item.order_date}/${item.item_number}`, item }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ item }) => item);
  const withoutQuantity = (items: ReadonlyArray<Record<string, unknown>>) =>
    items.map(({ quantity: _quantity, ...rest }) => rest);

  let ordersTable: string;
  let totalsTable: string;
  let quantitySpec: string;
  let revenueSpec: string;
  beforeEach(async () => {
    ordersTable = (await createTable(dynamodb, "cli-orders", { order_id: "S" })).name;
    totalsTable = (await createTable(dynamodb, "cli-shared", { order_date: "S", item_number: "S" }))
      .name;
    await putAll(ordersTable, orders);
    await putAll(totalsTable, corrupted);
    const dir = await mkdtemp(join(tmpdir(), "aggregates-"));
    quantitySpec = join(dir, "quantities.json");
    revenueSpec = join(dir, "revenue.json");
    await writeFile(quantitySpec, JSON.stringify(spec("quantity", "quantity")));
    await writeFile(revenueSpec, JSON.stringify(spec("price", "revenue")));
  });
  const run = (command: string, specFile: string, ...more: string[]) =>
    runCliBinary(
      [command, "--orders", ordersTable, "--totals", totalsTable, "--spec", specFile, ...more],
      emulatorEnv(),
    );

  it("repairs only its own attribute: the other aggregation's totals, every __wm_ attribute and the markers stay; both verify", async () => {
    const before = await scanAll(totalsTable);
    // The other aggregation's totals are right: its verify judges only its own attribute.
    expect((await run("verify-aggregates", revenueSpec)).code).toBe(0);
    const differs = await run("verify-aggregates", quantitySpec, "--json");
    expect(differs.code).toBe(1);
    expect((JSON.parse(differs.stdout) as { differences: unknown[] }).differences).toHaveLength(4);

    const rebuild = await run("rebuild-aggregates", quantitySpec, "--json");
    expect(rebuild.stderr).not.toContain("rebuild-aggregates:");
    expect(rebuild.code).toBe(0);

    const after = await scanAll(totalsTable);
    // Everything but the quantities is as it was, item for item (none deleted, none added).
    expect(withoutQuantity(after)).toEqual(withoutQuantity(before));
    expect(after.map((item) => item.quantity)).toEqual([
      5,
      7,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(JSON.parse(rebuild.stdout)).toEqual({ differences: 4, set: 2, removed: 2, failed: [] });
    for (const spec of [quantitySpec, revenueSpec]) {
      const verify = await run("verify-aggregates", spec);
      expect(verify.stdout).toContain(": 0 differ");
      expect(verify.code).toBe(0);
    }
  });
});
