/**
 * API requests and write capacity units per 100 stream records: the exactly-once aggregator
 * (chunked transactions with per-record markers) against the seed's per-record `ADD`, on the
 * same Zipf workload, counted by the in-memory DynamoDB's capacity accounting.
 *
 * Run: npx tsx bench/aggregationCost.ts [records=2000] [batch=100]
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

const exactlyOnce = async (
  mix: "inserts" | "mixed",
  records: number,
  batchSize: number,
): Promise<CostCount> => {
  const { db, store } = workload(mix, records);
  const { streamAggregate: handler } = assembleAggregation({
    store,
    rejects: new InMemoryRejectSink(),
  });
  const before = {
    units: db.usage.writeUnits,
    tx: db.usage.requests.get("TransactWriteItems") ?? 0,
  };
  await new StreamEventSourceRunner(db.stream("orders"), handler, {
    batchSize,
    sequenceOf: (r) => r.dynamodb?.SequenceNumber ?? "",
    context: () => localContext("bench"),
  }).drain();
  return {
    requests: (db.usage.requests.get("TransactWriteItems") ?? 0) - before.tx,
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
}

/**
 * Runs both approaches on both mixes (only inserts; or inserts, updates and deletes) and returns
 * what each spent.
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
      exactlyOnce: await exactlyOnce(mix, records, batchSize),
    });
  return results;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const records = Number(process.argv[2] ?? 2000);
  const batchSize = Number(process.argv[3] ?? 100);
  const per100 = (n: number) => ((n * 100) / records).toFixed(1);
  console.log(`records=${records} batch=${batchSize} items=50 (Zipf s=1) days=3`);
  console.log("workload | approach | requests/100 records | WCU/100 records");
  for (const { mix, seed: naive, exactlyOnce: ours } of await aggregationCost(records, batchSize)) {
    console.log(
      `${mix} | per-record ADD (seed, not exactly-once) | ${per100(naive.requests)} | ${per100(naive.units)}`,
    );
    console.log(
      `${mix} | chunked transactions + markers (exactly-once) | ${per100(ours.requests)} | ${per100(ours.units)}`,
    );
    console.log(
      `${mix} | ratio ours/seed | ${(ours.requests / naive.requests).toFixed(2)}× requests | ${(ours.units / naive.units).toFixed(2)}× WCU`,
    );
  }
}
