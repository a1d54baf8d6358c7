import * as E from "fp-ts/lib/Either.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { isZeroNumber } from "../../domain/decimal.js";
import { describeError } from "../../domain/errors.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import {
  AGGREGATE_FLAGS_HELP,
  AGGREGATE_OPTIONS,
  checkAggregates,
  formatKey,
} from "./aggregateTables.js";
import { EXIT_FAILED, EXIT_FOUND_WRONG, EXIT_OK } from "./cliIo.js";
import type { Command } from "./command.js";
import { awsTables, type TableAccess } from "./tableAccess.js";

/** Commands handed to the table writer at a time (it batches them 25 per BatchWriteItem). */
const COMMANDS_PER_WRITE = 500;

/**
 * `rebuild-aggregates` on the tables `tables` gives: rewrites every total that differs from the group-by of the orders (a
 * Put of the expected sum, or a Delete when the orders sum to nothing), with the table writer of
 * the replication pipelines (BatchWriteItem, unprocessed items retried).
 * @example const code = await rebuildAggregatesCommandOn(inMemoryTables(db)).run(flags, [], io);
 */
export const rebuildAggregatesCommandOn = (tables: TableAccess): Command => ({
  name: "rebuild-aggregates",
  summary: "rewrite a totals table from the group-by of its source (stream paused)",
  usage: `Usage: dynamodb-pipelines rebuild-aggregates --orders <table> --totals <table> [--spec <json-file>]

Does what verify-aggregates does, then rewrites every total that differs: the expected sum is
put (the item then holds only its key and the sum attribute), a total the orders no longer feed
is deleted. Marker items are left alone.

Needs the aggregation stopped: the stream's event source paused and nothing in flight, or a
record applied during the rebuild is counted twice (once in the scan, once by the stream).
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
    const commands = differences.map(({ key, expected }): WriteCommand => {
      const source = `rebuild ${formatKey(key)}`;
      return isZeroNumber(expected)
        ? { op: "delete", key, source }
        : { op: "put", key, item: { ...key, [spec.sum.target]: { N: expected } }, source };
    });
    const writer = tables.writer(totalsTable);
    const failed: string[] = [];
    for (let i = 0; i < commands.length; i += COMMANDS_PER_WRITE) {
      const report = await writer.write(
        commands.slice(i, i + COMMANDS_PER_WRITE),
        unboundedDeadline,
      )();
      if (E.isLeft(report)) {
        io.err(`rebuild-aggregates: ${describeError(report.left)}`);
        return EXIT_FAILED;
      }
      failed.push(
        ...report.right.failed.map((f) => `${f.command.source}: ${describeError(f.error)}`),
      );
    }
    const put = commands.filter((command) => command.op === "put").length;
    const summary = {
      differences: differences.length,
      put,
      deleted: commands.length - put,
      failed,
    };
    if (flags.json === true) io.out(JSON.stringify(summary));
    else {
      for (const line of failed) io.out(`failed: ${line}`);
      io.out(
        `${differences.length} totals differed: ${put} rewritten, ${summary.deleted} deleted, ${failed.length} failed`,
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
