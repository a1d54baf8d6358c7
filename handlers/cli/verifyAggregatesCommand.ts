import * as E from "fp-ts/lib/Either.js";
import { describeError } from "../../domain/errors.js";
import {
  AGGREGATE_FLAGS_HELP,
  AGGREGATE_OPTIONS,
  checkAggregates,
  formatKey,
} from "./aggregateTables.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK } from "./cliIo.js";
import type { Command } from "./command.js";
import { awsTables, type TableAccess } from "./tableAccess.js";

/** Orders that could not be read, listed by name before the rest are only counted. */
const UNREADABLE_SHOWN = 20;

/**
 * `verify-aggregates` on the tables `tables` gives: scans the orders and the totals, and prints
 * every total that differs from the group-by of the orders (key, expected, found). Exit 1 on any
 * difference.
 * @example const code = await verifyAggregatesCommandOn(inMemoryTables(db)).run(flags, [], io);
 */
export const verifyAggregatesCommandOn = (tables: TableAccess): Command => ({
  name: "verify-aggregates",
  summary: "compare a totals table with the group-by of its source (seed 002)",
  usage: `Usage: dynamodb-pipelines verify-aggregates --orders <table> --totals <table> [--spec <json-file>]

Scans both tables (parallel Scan segments, consistent reads), sums the orders with the same
domain functions as the streamAggregate entry point (marker items skipped), and prints every
total that differs: key, expected (the group-by), found (the totals table). Orders the pipeline
cannot read (no number in the sum attribute, no day…) add nothing, as in the pipeline; they are
listed. Only this aggregation's totals are judged (the spec's sum attribute): on a totals
table shared with other aggregations, an item without that attribute is not a difference unless
the orders expect a total there, and other attributes (other totals, __wm_ watermarks) are not
read. Run it while the source is quiet: writes during the scans show up as differences.
Exit status 1 when any total differs.

${AGGREGATE_FLAGS_HELP}`,
  options: AGGREGATE_OPTIONS,
  run: async (flags, _positionals, io) => {
    const check = await checkAggregates(flags, io, tables);
    if (E.isLeft(check)) {
      io.err(`verify-aggregates: ${check.left}`);
      return EXIT_FAILED;
    }
    const { sums, differences, totalsScanned } = check.right;
    if (flags.json === true)
      io.out(
        JSON.stringify({
          orders: sums.orders,
          totals: totalsScanned,
          groups: sums.sums.size,
          unreadable: sums.unreadable.map(describeError),
          differences,
        }),
      );
    else {
      for (const error of sums.unreadable.slice(0, UNREADABLE_SHOWN))
        io.out(`unreadable order: ${describeError(error)}`);
      if (sums.unreadable.length > UNREADABLE_SHOWN)
        io.out(`… and ${sums.unreadable.length - UNREADABLE_SHOWN} more unreadable orders`);
      for (const { key, expected, found } of differences)
        io.out(`differs: ${formatKey(key)} expected ${expected} found ${found ?? "(absent)"}`);
      io.out(
        `${sums.orders} orders (${sums.unreadable.length} unreadable), ${sums.sums.size} totals expected, ${totalsScanned} items in the totals table: ${differences.length} differ`,
      );
    }
    return differences.length === 0 ? EXIT_OK : EXIT_FOUND_WRONG;
  },
});

/**
 * `verify-aggregates` on DynamoDB (the binary's).
 * @example await runCli(["verify-aggregates", "--orders", "orders", "--totals", "totals"], io)
 */
export const verifyAggregatesCommand: Command = verifyAggregatesCommandOn(awsTables());
