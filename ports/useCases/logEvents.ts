import * as E from "fp-ts/lib/Either.js";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import { canonicalKey } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { ConfigurationError } from "../../domain/errors.js";
import { type EventLogEntries, eventLogCommand } from "../../domain/eventLog.js";
import { lastPerKey, type PutCommand } from "../../domain/writeCommand.js";
import type { TableWriter } from "../tableWriter.js";
import {
  type BatchReport,
  type DecodedBatch,
  type IndexedFailure,
  inRecordOrder,
  readable,
  unreadable,
} from "./batchReport.js";

/**
 * What {@link logEvents} did: the batch report, and how many items it tried to write.
 * @example const report: EventLogReport = { failed: [], rejected: [], items: 3 };
 */
export interface EventLogReport extends BatchReport {
  readonly items: number;
}

/**
 * Stores a batch of decoded Kinesis records, one item per event (a KPL aggregate holds several),
 * with ONE {@link TableWriter.write} (one command per key: a redelivered record rewrites its own
 * items). The report, by record position: records that could not be read, events that cannot
 * be stored (each named by its event id; a record may have several), and every record of a key
 * the table refuses as invalid (named by the stored command's source) are rejected, in record
 * order; a key that
 * failed transiently fails at its first record (all records when the whole write failed). A
 * `Configuration` error of the whole write is the left.
 *
 * @example
 * const report = await logEvents(table)(records.map((r, i) => decodeEventLog(r, i, deaggregateKpl)), deadline)();
 */
export const logEvents =
  (table: TableWriter) =>
  (
    entries: DecodedBatch<EventLogEntries>,
    deadline: Deadline,
  ): TaskEither<ConfigurationError, EventLogReport> =>
  async () => {
    const rejected = unreadable(entries);
    const commands: PutCommand[] = [];
    const indicesOfKey = new Map<string, number[]>();
    entries.forEach((record, index) => {
      if (E.isLeft(record)) return;
      for (const entry of record.right) {
        if (E.isLeft(entry)) {
          rejected.push({ index, error: entry.left });
          continue;
        }
        const command = eventLogCommand(entry.right);
        const id = canonicalKey(command.key);
        indicesOfKey.set(id, [...(indicesOfKey.get(id) ?? []), index]);
        commands.push(command);
      }
    });
    if (commands.length === 0)
      return E.right({ failed: [], rejected: inRecordOrder(rejected), items: 0 });
    const report = await table.write(lastPerKey(commands), deadline)();
    if (E.isLeft(report)) {
      if (report.left._tag === "Configuration") return E.left(report.left);
      const error = report.left;
      const failed = readable(entries).map(({ index }) => ({ index, error }));
      return E.right({ failed, rejected, items: commands.length });
    }
    const failed: IndexedFailure[] = [];
    for (const { command, error } of report.right.failed) {
      const indices = indicesOfKey.get(canonicalKey(command.key)) ?? [];
      if (error._tag === "InvalidRecord")
        for (const index of indices)
          rejected.push({ index, error: { ...error, recordId: command.source } });
      else if (indices[0] !== undefined) failed.push({ index: indices[0], error });
    }
    return E.right({ failed, rejected: inRecordOrder(rejected), items: commands.length });
  };
