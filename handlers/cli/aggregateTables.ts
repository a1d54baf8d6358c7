import * as E from "fp-ts/lib/Either.js";
import {
  fitMarkerLayout,
  type MarkerLayout,
  markerLayoutOf,
} from "../../domain/aggregateMarkers.js";
import {
  type AggregateSpec,
  aggregateSpecProblem,
  seedAggregateSpec,
} from "../../domain/aggregateSpec.js";
import {
  addOrder,
  compareTotals,
  emptyGroupBy,
  type GroupBySums,
  type TotalDifference,
} from "../../domain/aggregateTotals.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { describeError } from "../../domain/errors.js";
import { type CliIo, readJson } from "./cliIo.js";
import { type Flags, optionalFlag, requiredFlag } from "./command.js";
import { progress } from "./progress.js";
import type { TableAccess } from "./tableAccess.js";

/** The flags verify-aggregates and rebuild-aggregates share. */
export const AGGREGATE_OPTIONS = {
  orders: { type: "string" },
  totals: { type: "string" },
  spec: { type: "string" },
  segments: { type: "string" },
} as const;

/** The flags' help lines, shared by both commands. */
export const AGGREGATE_FLAGS_HELP = `  --orders <table>     the source table the stream aggregates (seed 002's orders)
  --totals <table>     the totals table the streamAggregate entry point writes
  --spec <json-file>   the AGGREGATE_SPEC of the deployment (default seed 002's:
                       totals per (day of order_date, item_id) of quantity)
  --segments <n>       parallel Scan segments per table (default 4)
  --json               one JSON summary on stdout`;

/** What comparing the two tables found. */
export interface AggregateCheck {
  readonly spec: AggregateSpec;
  readonly layout: MarkerLayout;
  readonly totalsTable: string;
  readonly sums: GroupBySums;
  readonly totalsScanned: number;
  readonly differences: ReadonlyArray<TotalDifference>;
}

/**
 * A key for people: `order_date=2026-11-21 item_number=a` (JSON for values other than S and N).
 * @example formatKey({ order_date: { S: "2026-11-21" } }) // "order_date=2026-11-21"
 */
export const formatKey = (key: AttributeMap): string =>
  Object.entries(key)
    .map(([name, value]) => {
      const text = "S" in value ? value.S : "N" in value ? value.N : JSON.stringify(value);
      return `${name}=${text}`;
    })
    .join(" ");

const readSpec = async (path: string | undefined): Promise<E.Either<string, AggregateSpec>> => {
  if (path === undefined) return E.right(seedAggregateSpec);
  const json = await readJson(path);
  if (E.isLeft(json)) return json;
  const problem = aggregateSpecProblem(json.right);
  return problem === undefined
    ? E.right(json.right as AggregateSpec)
    : E.left(`${path}: ${problem}`);
};

/**
 * Scans the orders and totals tables and compares the totals with the group-by of the orders
 * (the stream pipeline's domain functions; markers skipped), on the tables `tables` gives.
 * Left: why it could not.
 * @example const check = await checkAggregates(flags, io, awsTables()); // right({ differences: […], … })
 */
export const checkAggregates = async (
  flags: Flags,
  io: CliIo,
  tables: TableAccess,
): Promise<E.Either<string, AggregateCheck>> => {
  const orders = requiredFlag(flags, "orders");
  if (E.isLeft(orders)) return orders;
  const totals = requiredFlag(flags, "totals");
  if (E.isLeft(totals)) return totals;
  const segments = Number(optionalFlag(flags, "segments") ?? "4");
  if (!Number.isInteger(segments) || segments < 1 || segments > 1_000_000)
    return E.left("--segments must be a whole number from 1 to 1,000,000");
  const spec = await readSpec(optionalFlag(flags, "spec"));
  if (E.isLeft(spec)) return spec;

  const ordersTable = tables.scanner(orders.right);
  const totalsTable = tables.scanner(totals.right);
  const ordersDescription = await ordersTable.describe()();
  if (E.isLeft(ordersDescription)) return E.left(describeError(ordersDescription.left));
  const totalsDescription = await totalsTable.describe()();
  if (E.isLeft(totalsDescription)) return E.left(describeError(totalsDescription.left));
  const layout = fitMarkerLayout(
    markerLayoutOf(spec.right),
    totals.right,
    totalsDescription.right.keys,
  );
  if (E.isLeft(layout)) return E.left(describeError(layout.left));

  const keyNames = ordersDescription.right.keys.map((key) => key.name);
  const sums = emptyGroupBy();
  const ordersBar = progress(io, `scan ${orders.right}`, ordersDescription.right.itemCount);
  const scannedOrders = await ordersTable.scan({
    segments,
    onPage: (items) => {
      for (const item of items) {
        const key = Object.fromEntries(keyNames.flatMap((n) => (item[n] ? [[n, item[n]]] : [])));
        addOrder(sums, spec.right, item, canonicalKey(key));
      }
      ordersBar.update(sums.orders);
    },
  })();
  ordersBar.finish();
  if (E.isLeft(scannedOrders)) return E.left(describeError(scannedOrders.left));

  const stored: AttributeMap[] = [];
  const totalsBar = progress(io, `scan ${totals.right}`, totalsDescription.right.itemCount);
  const scannedTotals = await totalsTable.scan({
    segments,
    onPage: (items) => {
      stored.push(...items);
      totalsBar.update(stored.length);
    },
  })();
  totalsBar.finish();
  if (E.isLeft(scannedTotals)) return E.left(describeError(scannedTotals.left));
  return E.right({
    spec: spec.right,
    layout: layout.right,
    totalsTable: totals.right,
    sums,
    totalsScanned: stored.length,
    differences: compareTotals(spec.right, layout.right, sums, stored),
  });
};
