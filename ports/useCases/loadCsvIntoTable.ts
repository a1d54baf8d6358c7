import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import { csvRowToCommand } from "../../domain/csvRow.js";
import { bindHeader, type CsvLayout, type CsvSchema } from "../../domain/csvSchema.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { describeError, invalidRecord, type PipelineError } from "../../domain/errors.js";
import type { PutCommand } from "../../domain/writeCommand.js";
import type { TableWriter } from "../tableWriter.js";
import { readCsvRowBatches } from "./readCsvRows.js";

/**
 * A row that was not written: the physical line it starts on, the column, why.
 * @example const bad: RejectedRow = { line: 4, field: "campo3", reason: "not a number" };
 */
export interface RejectedRow {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/**
 * Counts so far (rows are data rows, the header excluded; skipped rows were done before a resume).
 * @example const stats: TableLoadStats = { written: 3, rejected: 2, skipped: 0, lastLine: 6, stopped: false };
 */
export interface TableLoadStats {
  readonly written: number;
  readonly rejected: number;
  readonly skipped: number;
  /** The last line whose row (and every row before it) is written or reported. */
  readonly lastLine: number;
  /** True when `shouldStop` ended the load before the end of the file. */
  readonly stopped: boolean;
}

/**
 * What loading a CSV into a table needs. `onDone` is called, in line order, after each group of
 * rows is written and its rejects reported: its `lastLine` is a safe point to resume after.
 * @example const deps: TableLoadDeps = { table, schema, rowId: (n) => `file.csv#L${n}`, resumeAfterLine: 0, onDone };
 */
export interface TableLoadDeps {
  readonly table: TableWriter;
  /** Column types and key (the key must be the table's). */
  readonly schema: CsvSchema;
  /** The id of the row starting on a line (reports, write errors). */
  readonly rowId: (line: number) => string;
  /** Rows starting on this line or before were loaded by an earlier run: not written again. */
  readonly resumeAfterLine: number;
  readonly onDone: (rejected: ReadonlyArray<RejectedRow>, stats: TableLoadStats) => Promise<void>;
  /** Asked between groups of rows; true stops reading (what is in flight is finished). */
  readonly shouldStop?: () => boolean;
  /** Put commands per TableWriter.write call (default 250, i.e. 10 BatchWriteItem calls). */
  readonly commandsPerWrite?: number;
  /** Writes in flight at once (default 4). */
  readonly concurrency?: number;
}

interface Group {
  commands: PutCommand[];
  keys: string[];
  rejected: RejectedRow[];
  lastLine: number;
  written?: Promise<E.Either<PipelineError, ReadonlyArray<RejectedRow>>>;
}

const lineOf = (rowId: string): number => Number(/#L(\d+)$/.exec(rowId)?.[1] ?? 0);

/**
 * Streams a CSV body into a table: the first row is the header (bound to `schema`), every other
 * row becomes a Put keyed by the schema's key, written by the {@link TableWriter} (BatchWriteItem
 * with its retries) in groups, a few groups in flight. Rows that cannot be read or converted, and
 * items the table refuses, are reported, never written. Memory is bounded: the reader is pulled
 * only when fewer than `concurrency` groups are in flight. Two rows with one key are never in
 * flight together (the later one waits), so the later row wins, as in the file.
 * A failure of the table itself (missing, throttled past the retries) ends the load with it;
 * everything reported through `onDone` stays done.
 *
 * @example
 * const stats = await loadCsvIntoTable(deps, createReadStream("orders.csv"))();
 */
export const loadCsvIntoTable =
  (
    deps: TableLoadDeps,
    body: AsyncIterable<Uint8Array>,
  ): TE.TaskEither<PipelineError, TableLoadStats> =>
  async () => {
    const perWrite = deps.commandsPerWrite ?? 250;
    const concurrency = Math.max(1, deps.concurrency ?? 4);
    let layout: CsvLayout | undefined;
    let stats: TableLoadStats = {
      written: 0,
      rejected: 0,
      skipped: 0,
      lastLine: deps.resumeAfterLine,
      stopped: false,
    };
    const inFlight: Group[] = [];
    /** How many groups in flight (or the one being filled) hold each key. */
    const keysInFlight = new Map<string, number>();
    let current: Group = { commands: [], keys: [], rejected: [], lastLine: deps.resumeAfterLine };

    const settleOldest = async (): Promise<PipelineError | undefined> => {
      const group = inFlight.shift();
      if (group === undefined) return undefined;
      const result = (await group.written) ?? E.right([]);
      if (E.isLeft(result)) return result.left;
      const rejected = [...group.rejected, ...result.right].sort((a, b) => a.line - b.line);
      stats = {
        ...stats,
        written: stats.written + group.commands.length - result.right.length,
        rejected: stats.rejected + rejected.length,
        lastLine: group.lastLine,
      };
      for (const key of group.keys) {
        const count = (keysInFlight.get(key) ?? 1) - 1;
        if (count === 0) keysInFlight.delete(key);
        else keysInFlight.set(key, count);
      }
      await deps.onDone(rejected, stats);
      return undefined;
    };
    const send = async (): Promise<PipelineError | undefined> => {
      const group = current;
      current = { commands: [], keys: [], rejected: [], lastLine: group.lastLine };
      if (group.commands.length > 0)
        group.written = (async () => {
          const report = await deps.table.write(group.commands, unboundedDeadline)();
          return E.isLeft(report)
            ? report
            : E.right(
                report.right.failed.map((failure) => ({
                  line: lineOf(failure.command.source),
                  field: failure.error._tag === "InvalidRecord" ? failure.error.field : "$",
                  reason:
                    failure.error._tag === "InvalidRecord"
                      ? failure.error.reason
                      : describeError(failure.error),
                })),
              );
        })();
      inFlight.push(group);
      while (inFlight.length >= concurrency) {
        const failure = await settleOldest();
        if (failure !== undefined) return failure;
      }
      return undefined;
    };
    const drain = async (): Promise<PipelineError | undefined> => {
      while (inFlight.length > 0) {
        const failure = await settleOldest();
        if (failure !== undefined) return failure;
      }
      return undefined;
    };

    for await (const rows of readCsvRowBatches(body)) {
      for (const row of rows) {
        if (layout === undefined) {
          if (row.kind !== "row")
            return E.left(invalidRecord(deps.rowId(row.line), "$", `header: ${row.reason}`));
          const bound = bindHeader(deps.schema, row.cells, deps.rowId(row.line));
          if (E.isLeft(bound)) return bound;
          layout = bound.right;
          continue;
        }
        if (row.line <= deps.resumeAfterLine) {
          stats = { ...stats, skipped: stats.skipped + 1 };
          continue;
        }
        current.lastLine = row.line;
        if (row.kind !== "row") {
          current.rejected.push({ line: row.line, field: "$", reason: row.reason });
          continue;
        }
        const command = csvRowToCommand(layout, row.cells, deps.rowId(row.line));
        if (E.isLeft(command)) {
          current.rejected.push({
            line: row.line,
            field: command.left.field,
            reason: command.left.reason,
          });
          continue;
        }
        const key = canonicalKey(command.right.key);
        if (keysInFlight.has(key)) {
          const failure = (await send()) ?? (await drain());
          if (failure !== undefined) return E.left(failure);
        }
        keysInFlight.set(key, (keysInFlight.get(key) ?? 0) + 1);
        current.keys.push(key);
        current.commands.push(command.right);
        if (current.commands.length >= perWrite) {
          const failure = await send();
          if (failure !== undefined) return E.left(failure);
        }
      }
      if (deps.shouldStop?.() === true) {
        stats = { ...stats, stopped: true };
        break;
      }
    }
    const failure = (await send()) ?? (await drain());
    return failure === undefined ? E.right(stats) : E.left(failure);
  };
