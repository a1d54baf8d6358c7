import { describe, expect, it } from "vitest";
import { offlineAggregation } from "../../handlers/assemblies/offlineAggregation.js";
import { offlineCsvLoad } from "../../handlers/assemblies/offlineCsvLoad.js";
import { offlineEventLog } from "../../handlers/assemblies/offlineEventLog.js";
import { offlineGlueCopy } from "../../handlers/assemblies/offlineGlueCopy.js";
import { offlineReplication } from "../../handlers/assemblies/offlineReplication.js";

describe("offline pipeline assemblies (what npm start runs)", () => {
  it.each([true, false])(
    "replication (fifo: %s) leaves the replica equal to the source",
    async (fifo) => {
      const p = offlineReplication({ fifo });
      for (let i = 0; i < 30; i++)
        p.db.put("source", { pk: { S: `k${i % 7}` }, v: { N: String(i) } });
      p.db.delete("source", { pk: { S: "k3" } });
      await p.run();
      expect(p.db.scan("replica")).toEqual(p.db.scan("source"));
      expect(p.db.scan("replica")).toHaveLength(6);
    },
  );

  it("aggregation gives seed 002's totals", async () => {
    const p = offlineAggregation();
    const order = (id: string, item: string, q: string) => ({
      order_id: { S: id },
      order_date: { S: "2026-11-21T09:00:00Z" },
      item_id: { S: item },
      quantity: { N: q },
    });
    for (const [id, item, q] of [
      ["1", "item123", "10"],
      ["2", "item123", "30"],
      ["3", "item312", "10"],
      ["4", "item312", "30"],
    ] as const)
      p.db.put("orders", order(id, item, q));
    await p.run();
    expect(p.totals().map((t) => [t.item_number, t.quantity])).toEqual([
      [{ S: "item123" }, { N: "40" }],
      [{ S: "item312" }, { N: "40" }],
    ]);
  });

  it("event log keeps one item per Kinesis record (a text payload as text) and rejects an item over 400 KB", async () => {
    const p = offlineEventLog({ shards: 2 });
    for (let i = 0; i < 5; i++) p.kinesis.putRecord("EventStream", `d${i}`, JSON.stringify({ i }));
    p.kinesis.putRecord("EventStream", "x", "not json");
    p.kinesis.putRecord("EventStream", "y", "x".repeat(410_000));
    await p.run();
    await p.run();
    expect(p.db.scan("EventLogs")).toHaveLength(6);
    expect(
      p.db.scan("EventLogs").filter((item) => JSON.stringify(item.dataFormat) === `{"S":"text"}`),
    ).toHaveLength(1);
    expect(p.rejects.records.map((r) => r.error.field)).toEqual(["kinesis.data"]);
  });

  it("Glue copy maps the source into the backup after the stream is delivered", async () => {
    const p = offlineGlueCopy({
      mappings: [
        ["id", "string", "id", "string"],
        ["amount", "decimal", "total", "decimal"],
      ],
    });
    p.db.put("api-pagos", { id: { S: "p1" }, amount: { N: "10.50" }, secret: { S: "x" } });
    const { runs } = await p.run();
    expect(runs.map((r) => r.state)).toEqual(["SUCCEEDED"]);
    expect(p.db.scan("api-pos-backup")).toEqual([{ id: { S: "p1" }, total: { N: "10.5" } }]);
  });

  it("CSV load writes the valid rows and rejects the bad one, naming line and column", async () => {
    const p = offlineCsvLoad({
      tableKey: { partitionKey: "id" },
      schema: { columns: { n: "number" }, key: { partitionKey: "id" } },
    });
    await p.upload("in.csv", "id,n\na,1\nb,two\nc,3\n");
    await p.run();
    expect(p.db.scan("items").map((i) => i.id)).toEqual([{ S: "a" }, { S: "c" }]);
    expect(p.rejects.records).toHaveLength(1);
    expect(p.rejects.records[0]?.error).toMatchObject({ field: "n" });
    expect(p.rejects.records[0]?.error.recordId).toMatch(/#L3$/);
  });
});
