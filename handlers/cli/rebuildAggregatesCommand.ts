import * as E from "fp-ts/lib/Either.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { isZeroNumber } from "../../domain/decimal.js";
import { describeError } from "../../domain/errors.js";
import { inParallel } from "../../ports/useCases/inParallel.js";
import {
  AGGREGATE_FLAGS_HELP,
  AGGREGATE_OPTIONS,
  checkAggregates,
  formatKey,
} from "./aggregateTables.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK } from "./cliIo.js";
import type { Command } from "./command.js";
import { awsTables, type TableAccess } from "./tableAccess.js";

/** Totals written at a time (one UpdateItem each). */
const WRITES_IN_FLIGHT = 8;

/**
 * `rebuild-aggregates` on the tables `tables` gives: sets every total that differs from the
 * group-by of the orders to the expected sum, or removes it when the orders sum to nothing, with
 * one UpdateItem of the spec's sum attribute alone (ports/totalAttributeWriter.ts). Another
 * aggregation's totals on the same items, the `__wm_…` watermark attributes and the marker items
 * are never touched, and no item is deleted.
 * @example const code = await rebuildAggregatesCommandOn(inMemoryTables(db)).run(flags, [], io);
 */
export const rebuildAggregatesCommandOn = (tables: TableAccess): Command => ({
  name: "rebuild-aggregates",
  summary: "rewrite a totals table from the group-by of its source (stream paused)",
  usage: `Usage: dynamodb-pipelines rebuild-aggregates --orders <table> --totals <table> [--spec <json-file>]

Does what verify-aggregates does, then repairs every total that differs, touching only the
spec's sum attribute (one UpdateItem each): the expected sum is set (the item is created when
missing), a total the orders no longer feed has its sum attribute removed. Everything else on
the items stays: the totals of other aggregations sharing the table (AGGREGATION_ID), the
pipeline's watermark attributes (names starting with __wm_, reserved) and the marker items. No
item is deleted; an item left with only its key is no total of anyone's and verify ignores it.

Needs this aggregation stopped: its stream's event source paused and nothing in flight, or a
record applied during the rebuild is counted twice (once in the scan, once by the stream).
Other aggregations writing the same table may go on.
  1. stop writes to the orders table and let the aggregation drain the stream (IteratorAge 0);
  2. disable the event source mapping of the streamAggregate function;
  3. rebuild-aggregates, then verify-aggregates (exit 0);
  4. enable the event source mapping, resume writes.
Exit status 1 when a total could not be written.

${AGGREGATE_FLAGS_HELP}`,
  options: AGGREGATE_OPTIONS,
  run: async (flags, _positionals, io) => {
    const check = await checkAggregates(flags, io, tables);
    if (E.isLeft(check)) {
      io.err(`rebuild-aggregates: ${check.left}`);
      return EXIT_FAILED;
    }
    const { spec, totalsTable, differences } = check.right;
    const totals = tables.totals(totalsTable, spec.sum.target);
    const repairs = differences.map(({ key, expected }) => ({
      key,
      total: isZeroNumber(expected) ? undefined : expected,
    }));
    const written = await inParallel(repairs, WRITES_IN_FLIGHT, async (repair) => ({
      repair,
      outcome: await totals.write(repair.key, repair.total, unboundedDeadline)(),
    }));
    const stop = written.find(
      ({ outcome }) => E.isLeft(outcome) && outcome.left._tag === "Configuration",
    );
    if (stop !== undefined && E.isLeft(stop.outcome)) {
      io.err(`rebuild-aggregates: ${describeError(stop.outcome.left)}`);
      return EXIT_FAILED;
    }
    const failed = written.flatMap(({ repair, outcome }) =>
      E.isLeft(outcome) ? [`${formatKey(repair.key)}: ${describeError(outcome.left)}`] : [],
    );
    const set = written.filter(
      ({ repair, outcome }) => E.isRight(outcome) && repair.total !== undefined,
    ).length;
    const removed = written.filter(
      ({ repair, outcome }) => E.isRight(outcome) && repair.total === undefined,
    ).length;
    const summary = { differences: differences.length, set, removed, failed };
    if (flags.json === true) io.out(JSON.stringify(summary));
    else {
      for (const line of failed) io.out(`failed: ${line}`);
      io.out(
        `${differences.length} totals differed: ${set} set, ${removed} removed, ${failed.length} failed`,
      );
    }
    return failed.length === 0 ? EXIT_OK : EXIT_FOUND_WRONG;
  },
});

/**
 * `rebuild-aggregates` on DynamoDB (the binary's).
 * @example await runCli(["rebuild-aggregates", "--orders", "orders", "--totals", "totals"], io)
 */
export const rebuildAggregatesCommand: Command = rebuildAggregatesCommandOn(awsTables());
