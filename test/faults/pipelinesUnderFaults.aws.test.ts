import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbAggregateStore } from "../../adapters/aws/DynamoDbAggregateStore.js";
import { DynamoDbSequenceGuardedTableWriter } from "../../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
import { DynamoDbTableWriter } from "../../adapters/aws/DynamoDbTableWriter.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { scanTable } from "../../bin/emulatorResources.js";
import { isMarker, markerLayoutOf } from "../../domain/aggregateMarkers.js";
import { seedAggregateSpec } from "../../domain/aggregateSpec.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { addNumbers, isZeroNumber } from "../../domain/decimal.js";
import { shardWatermarks } from "../../domain/regimeStamps.js";
import { streamAggregateRig } from "../aggregation/aggregationRig.js";
import { replicationRig } from "../replication/replicationRig.js";
import { createTable, emulatorClients, emulatorEndpoints } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import { faultSchedule, scheduledPlan } from "../support/faults.js";
import { order } from "../support/streams.js";
import { injected, runSteps, type Step, serviceFaults, steps, writeKinds } from "./awsFaults.js";

// The aggregation and replication invariants on DynamoDB Local, under two layers of faults: the
// port-level decorators of adapters/faults around the DynamoDB adapters, and service-level faults
// (throttling, cancelled transactions, UnprocessedItems) injected by a proxy in front of the
// emulator, which the adapters' own retry loops meet. Sources, streams and queues stay in memory.
// Runs: FC_AWS_NUM_RUNS (default 20; `npm run test:deep` sets more).

const runs = Number(process.env.FC_AWS_NUM_RUNS) || 20;
const direct = () => emulatorClients().dynamodb;
let proxy: FaultProxy;
let proxied: DynamoDBClient;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
  proxied = proxiedClients(proxy.endpoint).dynamodb;
});
afterAll(() => proxy.close());

const timeout = 60_000 + runs * 8_000;

describe.each([
  { mode: "marker mode (no window)", window: false },
  { mode: "watermark mode (tumbling window, bisect on error)", window: true },
])("aggregation on DynamoDB Local under port and service faults: $mode", ({ window }) => {
  const layout = markerLayoutOf(seedAggregateSpec);
  it(
    "the totals equal an exact group-by of the orders",
    async () => {
      const plans: FaultPlan[] = [];
      injected.clear();
      await fc.assert(
        fc.asyncProperty(
          steps,
          faultSchedule(writeKinds, 15),
          fc.integer({ min: 1, max: 5 }),
          fc.nat(),
          async (plan, schedule, batchSize, seed) => {
            const { name } = await createTable(direct(), "totals", {
              order_date: "S",
              item_number: "S",
            });
            proxy.rule = serviceFaults(name, seed);
            const rig = streamAggregateRig({
              batchSize,
              plan: (clock) => {
                const faults = scheduledPlan(schedule, clock, seed);
                plans.push(faults);
                return faults;
              },
              store: (clock) =>
                new DynamoDbAggregateStore(proxied, name, seedAggregateSpec, layout, clock.now),
              ...(window ? { mapping: { windowSeconds: 60, bisectOnError: seed % 2 === 0 } } : {}),
            });
            const orders = new Map<string, { item: string; n: number }>();
            const accept = (_: unknown, step: Step) => {
              if (step.kind === "put") {
                rig.db.put(
                  "orders",
                  order(step.id, "2026-11-21T10:00:00Z", step.item, String(step.n)),
                );
                orders.set(step.id, step);
              } else if (step.kind === "delete") {
                rig.db.delete("orders", { order_id: { S: step.id } });
                orders.delete(step.id);
              }
            };
            await runSteps(
              plan,
              { redelivered: new Map() },
              { ...rig, accept },
              { fromCheckpoint: window },
            );
            await rig.drain();
            proxy.rule = undefined;
            expect(rig.unexpected).toEqual([]);
            const expected = new Map<string, string>();
            for (const o of orders.values())
              expected.set(o.item, addNumbers(expected.get(o.item) ?? "0", String(o.n)));
            const items = await scanTable(direct(), name, {
              partitionKey: "order_date",
              sortKey: "item_number",
            });
            // Watermark mode writes no marker, and one watermark at most per total (one shard).
            if (window) expect(items.filter((item) => isMarker(layout, item))).toEqual([]);
            if (window)
              for (const item of items) expect(shardWatermarks(item).length).toBeLessThanOrEqual(1);
            const totals = items
              .filter((item) => !isMarker(layout, item))
              .map(
                (t) =>
                  [(t.item_number as { S: string }).S, (t.quantity as { N: string }).N] as const,
              );
            const nonZero = (entries: Iterable<readonly [string, string]>) =>
              new Map([...entries].filter(([, v]) => !isZeroNumber(v)));
            expect(nonZero(totals)).toEqual(nonZero(expected));
          },
        ),
        { numRuns: runs },
      );
      expect(plans.some((plan) => plan.injected.length > 0)).toBe(true);
      expect(injected.get(window ? "UpdateItem" : "TransactWriteItems") ?? 0).toBeGreaterThan(0);
    },
    timeout,
  );
});

const pk = (item: AttributeMap) => canonicalKey({ pk: item.pk as never });
const byPk = (a: AttributeMap, b: AttributeMap) => (pk(a) < pk(b) ? -1 : 1);

describe.each([
  { fifo: true, name: "FIFO queue, DynamoDbTableWriter" },
  { fifo: false, name: "standard queue, DynamoDbSequenceGuardedTableWriter" },
])("replication to DynamoDB Local under port and service faults: $name", ({ fifo }) => {
  it(
    "after draining, the replica equals the source",
    async () => {
      const plans: FaultPlan[] = [];
      injected.clear();
      await fc.assert(
        fc.asyncProperty(
          steps,
          faultSchedule(writeKinds, 15),
          fc.integer({ min: 1, max: 5 }),
          fc.nat(),
          async (plan, schedule, batchSize, seed) => {
            const replica = await createTable(direct(), "replica", { pk: "S" });
            const versions = fifo
              ? undefined
              : await createTable(direct(), "versions", { pk: "S" });
            proxy.rule = serviceFaults(replica.name, seed);
            const real = replicationRig({
              fifo,
              streamBatchSize: batchSize,
              seed,
              plans: (clock) => ({
                queue: scheduledPlan([], clock, seed),
                table: scheduledPlan(schedule, clock, seed),
              }),
              replicaWriter: (_, clock) =>
                versions === undefined
                  ? new DynamoDbTableWriter(proxied, replica.name, noWaitRetryEnv)
                  : new DynamoDbSequenceGuardedTableWriter(proxied, {
                      table: replica.name,
                      versionTable: versions.name,
                      clock,
                      retry: noWaitRetryEnv,
                    }),
            });
            plans.push(real.plans.table);
            const accept = (_: unknown, step: Step) => {
              if (step.kind === "put")
                real.db.put("source", {
                  pk: { S: step.id },
                  n: { N: String(step.n) },
                  item: { S: step.item },
                });
              else if (step.kind === "delete") real.db.delete("source", { pk: { S: step.id } });
            };
            await runSteps(
              plan,
              { redelivered: new Map() },
              { ...real, accept },
              { queue: real, beforeCheckpoint: fifo },
            );
            await real.drain();
            proxy.rule = undefined;
            expect(real.unexpected).toEqual([]);
            expect(real.rejects.records).toEqual([]);
            const actual = await scanTable(direct(), replica.name, { partitionKey: "pk" });
            expect([...actual].sort(byPk)).toEqual([...real.db.scan("source")].sort(byPk));
          },
        ),
        { numRuns: runs },
      );
      expect(plans.some((plan) => plan.injected.length > 0)).toBe(true);
      expect(injected.get(fifo ? "BatchWriteItem" : "TransactWriteItems") ?? 0).toBeGreaterThan(0);
    },
    timeout,
  );
});
