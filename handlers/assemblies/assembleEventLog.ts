import type { RejectSink } from "../../ports/rejectSink.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { createKinesisToTableHandler } from "../kinesisToTable.js";

/** The ports of the event-log pipeline (seed 003). */
export interface EventLogPorts {
  /** The EventLogs table writer. */
  readonly table: TableWriter;
  /** Where events that cannot be stored (malformed records, items over 400 KB) are reported. */
  readonly rejects: RejectSink;
}

/**
 * The event log wired: Kinesis stream → kinesisToTable → `table`. Any adapters of the ports will
 * do: in-memory, AWS, or fault-decorated (`withFaults`).
 *
 * @example
 * const { kinesisToTable } = assembleEventLog({ table, rejects });
 * await kinesisToTable(kinesisEvent, context); // { batchItemFailures: [] }
 */
export const assembleEventLog = (ports: EventLogPorts) => ({
  kinesisToTable: createKinesisToTableHandler({ table: ports.table, rejects: ports.rejects }),
});

/** The handler {@link assembleEventLog} wires. */
export type EventLogHandlers = ReturnType<typeof assembleEventLog>;
