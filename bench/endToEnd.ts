/**
 * Figure 5: records/s end to end on DynamoDB Local through the streamAggregate handler
 * (DynamoDbAggregateStore, exactly-once, in the mode deployed by default: tumbling-window events
 * carrying the shard id → one conditional UpdateItem per total, carrying its watermark per
 * shard, up to 16 in flight) against the
 * seed's per-record UpdateItem ADD handler (bench/baseline/perRecordAddHandler.ts), on the same
 * batches of the same Zipf workload (batches of 1,000, as AggregationPipeline deploys; then 100), one batch at a time as Lambda feeds a shard. Each round
 * writes to fresh tables. Afterwards (untimed) both tables are checked against the exact totals,
 * and every batch is delivered a second time: ours must not move, the seed's double.
 *
 * Needs Java (DynamoDB Local); without it the figure is skipped. Run alone: npx tsx bench/endToEnd.ts
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { DynamoDbAggregateStore } from "../adapters/aws/DynamoDbAggregateStore.js";
import { localContext } from "../adapters/localAws/eventSources/localContext.js";
import { InMemoryRejectSink } from "../adapters/memory/InMemoryRejectSink.js";
import { createKeyedTable, scanTable } from "../bin/emulatorResources.js";
import { isMarker, markerLayoutOf } from "../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../domain/aggregateSpec.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import { assembleAggregation } from "../handlers/assemblies/assembleAggregation.js";
import { createPerRecordAddHandler } from "./baseline/perRecordAddHandler.js";
import { javaMissing, startDynamoDbLocal } from "./dynamoDbLocal.js";
import {
  envInt,
  type FigureLine,
  type FigureResult,
  median,
  printFigure,
  timeSeconds,
} from "./harness.js";
import { batchesOf, orderStreamRecords } from "./workload.js";

const KEY = { partitionKey: "order_date", sortKey: "item_number" } as const;
const layout = markerLayoutOf(seedAggregateSpec);
type Run = (event: DynamoDBStreamEvent) => Promise<unknown>;

/** The exact totals of the workload, `day#item` → quantity (small integers: exact in JS). */
const expectedTotals = (events: ReadonlyArray<DynamoDBStreamEvent>): Map<string, number> => {
  const totals = new Map<string, number>();
  const add = (image: Record<string, { S?: string; N?: string }> | undefined, sign: number) => {
    if (image?.quantity?.N === undefined) return;
    const key = `${image.order_date?.S?.slice(0, 10)}#${image.item_id?.S}`;
    totals.set(key, (totals.get(key) ?? 0) + sign * Number(image.quantity.N));
  };
  for (const event of events)
    for (const record of event.Records) {
      add(record.dynamodb?.OldImage as never, -1);
      add(record.dynamodb?.NewImage as never, 1);
    }
  for (const [key, total] of totals) if (total === 0) totals.delete(key);
  return totals;
};

const totalsOf = (items: ReadonlyArray<AttributeMap>): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const item of items) {
    if (isMarker(layout, item)) continue;
    const value = item.quantity;
    const amount = value !== undefined && "N" in value ? Number(value.N) : 0;
    if (amount === 0) continue;
    const day = item.order_date;
    const number = item.item_number;
    if (day && "S" in day && number && "S" in number) totals.set(`${day.S}#${number.S}`, amount);
  }
  return totals;
};

const sameTotals = (a: Map<string, number>, b: Map<string, number>): boolean =>
  a.size === b.size && [...a].every(([key, total]) => b.get(key) === total);

/**
 * Runs figure 5 (or says why it is skipped).
 * @example const result = await endToEndFigure();
 */
export const endToEndFigure = async (): Promise<FigureResult> => {
  const title = "5. End to end on DynamoDB Local: streamAggregate vs per-record ADD";
  const missing = javaMissing();
  if (missing !== undefined) return { title, lines: [], notes: [], skipped: missing };
  const rounds = envInt("BENCH_E2E_ROUNDS", 3);
  // The AggregationPipeline construct's batch size (1,000) carries the goal; batches of 100
  // (the SQS-like default elsewhere) are shown too.
  const shapes = [
    { batchSize: envInt("BENCH_E2E_BATCH", 1000), records: envInt("BENCH_E2E_RECORDS", 5000) },
    { batchSize: 100, records: 2000 },
  ];
  const local = await startDynamoDbLocal();
  try {
    const client = new DynamoDBClient({
      region: "us-east-1",
      endpoint: local.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const lines: FigureLine[] = [];
    const notes: string[] = [];
    for (const [index, shape] of shapes.entries()) {
      const m = await measure(
        client,
        shape.batchSize,
        shape.records,
        rounds,
        `b${shape.batchSize}`,
      );
      const ratio = m.oursRate / m.seedRate;
      lines.push({
        figure: "5",
        metric: `records/s, batches of ${shape.batchSize}`,
        ours: m.oursRate,
        baseline: m.seedRate,
        baselineName: "per-record UpdateItem ADD",
        unit: "rec/s",
        ratio,
        ...(index === 0
          ? {
              goal: "≥ 5× while exactly-once (construct default batch)",
              met: ratio >= 5 && m.exact,
            }
          : {}),
      });
      notes.push(
        `${shape.records} records (INSERT 60 %, MODIFY 30 %, REMOVE 10 %; Zipf over 50 items, 3 days) in ${m.batches} batches of ${shape.batchSize} (tumbling-window events: watermark mode), fed one at a time; 1 warm-up + ${rounds} interleaved rounds on fresh tables, median`,
        `  ours: totals exact after the run: ${m.oursExact}; unchanged after every batch was delivered again: ${m.oursAgain}`,
        `  seed: totals exact after the run: ${m.seedExact}; after the redelivery: ${m.seedAgain ? "unchanged" : "wrong (counted twice)"}`,
      );
    }
    return { title, lines, notes };
  } finally {
    await local.stop();
  }
};

/** Both handlers on the same batches, interleaved rounds on fresh tables, then redelivered. */
const measure = async (
  client: DynamoDBClient,
  batchSize: number,
  recordCount: number,
  rounds: number,
  prefix: string,
) => {
  const events = batchesOf(orderStreamRecords(recordCount, { seed: 7 }), batchSize);
  let tableNumber = 0;
  const contenders = {
    ours: async (): Promise<{ table: string; run: Run }> => {
      const table = `totals_ours_${prefix}_${tableNumber++}`;
      await createKeyedTable(client, table, KEY);
      const store = new DynamoDbAggregateStore(client, table, seedAggregateSpec, layout);
      // The mapping's ParallelizationFactor told, as the constructs do: 1.
      const { streamAggregate: handler } = assembleAggregation(
        { store, rejects: new InMemoryRejectSink() },
        { parallelizationFactor: 1 },
      );
      // The event as Lambda builds it with a tumbling window: watermark mode.
      const windowed = (event: DynamoDBStreamEvent) => ({
        ...event,
        shardId: "shardId-00000001700000000000-00000001",
        window: { start: "2026-11-30T00:00:00Z", end: "2026-11-30T00:15:00Z" },
        state: {},
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      });
      return {
        table,
        run: (event) => handler(windowed(event), localContext("bench", 300_000)),
      };
    },
    seed: async (): Promise<{ table: string; run: Run }> => {
      const table = `totals_seed_${prefix}_${tableNumber++}`;
      await createKeyedTable(client, table, KEY);
      return { table, run: createPerRecordAddHandler(client, table) };
    },
  };
  const seconds = { ours: [] as number[], seed: [] as number[] };
  const last = { ours: "", seed: "" };
  let runs = { ours: (async () => {}) as Run, seed: (async () => {}) as Run };
  for (let round = 0; round < rounds + 1; round++) {
    for (const name of ["ours", "seed"] as const) {
      const { table, run } = await contenders[name]();
      const elapsed = await timeSeconds(async () => {
        for (const event of events) await run(event);
      });
      if (round > 0) seconds[name].push(elapsed); // round 0 warms up
      last[name] = table;
      runs = { ...runs, [name]: run };
    }
  }
  const expected = expectedTotals(events);
  const first = {
    ours: totalsOf(await scanTable(client, last.ours, KEY)),
    seed: totalsOf(await scanTable(client, last.seed, KEY)),
  };
  for (const event of events) {
    await runs.ours(event);
    await runs.seed(event);
  }
  const again = {
    ours: totalsOf(await scanTable(client, last.ours, KEY)),
    seed: totalsOf(await scanTable(client, last.seed, KEY)),
  };
  const oursExact = sameTotals(first.ours, expected);
  const oursAgain = sameTotals(again.ours, expected);
  return {
    batches: events.length,
    oursRate: recordCount / median(seconds.ours),
    seedRate: recordCount / median(seconds.seed),
    exact: oursExact && oursAgain,
    oursExact,
    oursAgain,
    seedExact: sameTotals(first.seed, expected),
    seedAgain: sameTotals(again.seed, expected),
  };
};

if (import.meta.url === `file://${process.argv[1]}`) printFigure(await endToEndFigure());
