import { BatchWriteItemCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
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
    expect(JSON.parse(rebuild.stdout)).toEqual({ differences: 3, put: 2, deleted: 1, failed: [] });
    expect(await totalOf(totals, "2026-11-21", "apple")).toEqual(
      marshall({ order_date: "2026-11-21", item_number: "apple", quantity: 5.5 }),
    );
    expect(await totalOf(totals, "2026-11-21", "pear")).toBeDefined();
    expect(await totalOf(totals, "2026-11-30", "ghost")).toBeUndefined();
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
