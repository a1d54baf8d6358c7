/**
 * API requests and write capacity units per 100 stream records: the exactly-once aggregator
 * (watermark mode, as deployed with a tumbling window: one conditional UpdateItem per total and
 * batch; or marker mode: chunked transactions with a marker per record) against the seed's
 * per-record `ADD`, on the same Zipf workload, counted by the in-memory DynamoDB's capacity
 * accounting (a transaction's writes count twice; a refused conditional write counts too).
 *
 * Run: npx tsx bench/aggregationCost.ts [records=2000] [batch=100]
 *      npx tsx bench/aggregationCost.ts --json   (one JSON object: watermark mode, batches of 100 and 1,000)
 */

import { localContext } from "../adapters/localAws/eventSources/localContext.js";
import { StreamEventSourceRunner } from "../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { virtualClock } from "../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryRejectSink } from "../adapters/memory/InMemoryRejectSink.js";
import { deltasOf } from "../domain/aggregateDeltas.js";
import { seedAggregateSpec } from "../domain/aggregateSpec.js";
import { decodeChangeRecord } from "../domain/streamRecord.js";
import { assembleAggregation } from "../handlers/assemblies/assembleAggregation.js";
import { aggregationServices } from "../handlers/assemblies/offlineAggregation.js";
import { prng, zipf } from "./workload.js";

/** Requests and write units one approach spent on the whole workload. */
export interface CostCount {
  readonly requests: number;
  readonly units: number;
}

const workload = (mix: "inserts" | "mixed", records: number) => {
  const random = prng(42);
  const item = zipf(50, random);
  // Marker timestamps of 0, as the figures in bench/RESULTS.md were measured with.
  const services = aggregationServices({ clock: virtualClock(0) });
  const { db } = services;
  let next = 0;
  while (db.stream("orders").all().length < records) {
    const roll = random();
    const id =
      mix === "mixed" && roll < 0.3 && next > 0 ? `o${Math.floor(random() * next)}` : `o${next++}`;
    if (mix === "mixed" && roll < 0.1 && next > 0) db.delete("orders", { order_id: { S: id } });
    else
      db.put("orders", {
        order_id: { S: id },
        order_date: { S: `2026-11-${20 + Math.floor(random() * 3)}T10:00:00Z` },
        item_id: { S: `item${item()}` },
        quantity: { N: String(1 + Math.floor(random() * 20)) },
      });
  }
  return services;
};

/** Which exactly-once mode: a tumbling window (events carry the shard id) or not. */
export type AggregationMode = "watermark" | "markers";

const exactlyOnce = async (
  mix: "inserts" | "mixed",
  records: number,
  batchSize: number,
  mode: AggregationMode,
): Promise<CostCount> => {
  const { db, store, clock } = workload(mix, records);
  // The mapping's ParallelizationFactor told, as the constructs do: 1.
  const { streamAggregate: handler } = assembleAggregation(
    { store, rejects: new InMemoryRejectSink() },
    { parallelizationFactor: 1 },
  );
  const writes = () =>
    (db.usage.requests.get("TransactWriteItems") ?? 0) + (db.usage.requests.get("UpdateItem") ?? 0);
  const before = { units: db.usage.writeUnits, writes: writes() };
  await new StreamEventSourceRunner(db.stream("orders"), handler, {
    batchSize,
    sequenceOf: (r) => r.dynamodb?.SequenceNumber ?? "",
    context: () => localContext("bench"),
    ...(mode === "watermark"
      ? { window: { seconds: 900, shardId: "shardId-00000001", now: clock.now } }
      : {}),
  }).drain();
  return {
    requests: writes() - before.writes,
    units: db.usage.writeUnits - before.units,
  };
};

/** The seed's handler: one UpdateItem ADD per image that has a quantity (twice for a MODIFY). */
const perRecordAdd = (mix: "inserts" | "mixed", records: number): CostCount => {
  const { db } = workload(mix, records);
  const before = { units: db.usage.writeUnits, calls: db.usage.requests.get("UpdateItem") ?? 0 };
  db.stream("orders")
    .all()
    .forEach((raw, index) => {
      const change = decodeChangeRecord(raw, index);
      if (change._tag === "Left") return;
      const { oldImage, newImage } = change.right;
      for (const [image, sign] of [
        [newImage, ""],
        [oldImage, "-"],
      ] as const) {
        const one = deltasOf(seedAggregateSpec, {
          ...change.right,
          eventName: "INSERT",
          newImage: image ?? {},
        });
        for (const d of one.deltas) db.add("totals", d.key, "quantity", `${sign}${d.amount}`);
      }
    });
  return {
    requests: (db.usage.requests.get("UpdateItem") ?? 0) - before.calls,
    units: db.usage.writeUnits - before.units,
  };
};

/** Both approaches on one workload mix. */
export interface AggregationCost {
  readonly mix: "inserts" | "mixed";
  readonly seed: CostCount;
  readonly exactlyOnce: CostCount;
  /** The other exactly-once mode: per-record markers. */
  readonly markers: CostCount;
}

/**
 * Runs the approaches on both mixes (only inserts; or inserts, updates and deletes) and returns
 * what each spent: `exactlyOnce` in watermark mode (the default deployment), `markers` in
 * per-record-marker mode.
 * @example const [inserts, mixed] = await aggregationCost(2000, 100);
 */
export const aggregationCost = async (
  records: number,
  batchSize: number,
): Promise<ReadonlyArray<AggregationCost>> => {
  const results: AggregationCost[] = [];
  for (const mix of ["inserts", "mixed"] as const)
    results.push({
      mix,
      seed: perRecordAdd(mix, records),
      exactlyOnce: await exactlyOnce(mix, records, batchSize, "watermark"),
      markers: await exactlyOnce(mix, records, batchSize, "markers"),
    });
  return results;
};

/**
 * WCU per 100 records, watermark mode against the per-record ADD, on the Zipf inserts workload
 * at batches of 100 and 1,000.
 * @example JSON.stringify(await costJson(10_000)) // {"batch100":{"exactlyOnceWcu":…,"naiveWcu":100},…}
 */
export const costJson = async (records: number) => {
  const at = async (batch: number) => {
    const [inserts] = await aggregationCost(records, batch);
    const per100 = (n: number) => Number(((n * 100) / records).toFixed(2));
    return {
      exactlyOnceWcu: per100(inserts?.exactlyOnce.units ?? 0),
      naiveWcu: per100(inserts?.seed.units ?? 0),
    };
  };
  return { batch100: await at(100), batch1000: await at(1000) };
};

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(await costJson(10_000))}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const records = Number(process.argv[2] ?? 2000);
  const batchSize = Number(process.argv[3] ?? 100);
  const per100 = (n: number) => ((n * 100) / records).toFixed(1);
  console.log(`records=${records} batch=${batchSize} items=50 (Zipf s=1) days=3`);
  console.log("workload | approach | requests/100 records | WCU/100 records");
  for (const { mix, seed: naive, exactlyOnce: ours, markers } of await aggregationCost(
    records,
    batchSize,
  )) {
    console.log(
      `${mix} | per-record ADD (seed, not exactly-once) | ${per100(naive.requests)} | ${per100(naive.units)}`,
    );
    for (const [name, cost] of [
      [
        "conditional update per total + its watermark per shard (exactly-once, tumbling window)",
        ours,
      ],
      ["chunked transactions + markers (exactly-once, no window)", markers],
    ] as const) {
      console.log(`${mix} | ${name} | ${per100(cost.requests)} | ${per100(cost.units)}`);
      console.log(
        `${mix} | ratio ${name.split(" (")[0]}/seed | ${(cost.requests / naive.requests).toFixed(2)}× requests | ${(cost.units / naive.units).toFixed(2)}× WCU`,
      );
    }
  }
}
