import type { CsvSchema } from "../../domain/csvSchema.js";
import type { MessageQueue } from "../../ports/messageQueue.js";
import type { ObjectStore } from "../../ports/objectStore.js";
import type { RejectSink } from "../../ports/rejectSink.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { createCsvToQueueHandler } from "../csvToQueue.js";
import { createQueueToTableHandler } from "../queueToTable.js";

/** The ports of the CSV load pipeline (seed 004). */
export interface CsvLoadPorts {
  /** The bucket the CSV objects are read from. */
  readonly objects: ObjectStore;
  /** Where csvToQueue sends the rows. */
  readonly queue: MessageQueue;
  /** The table queueToTable writes the rows to. */
  readonly table: TableWriter;
  /** Where csvToQueue reports invalid rows and unreadable objects. */
  readonly rejects: RejectSink;
  /** Where queueToTable reports what it skips (default: `rejects`). */
  readonly tableRejects?: RejectSink;
}

/** Column types and key columns, and rows per message (see createCsvToQueueHandler). */
export interface CsvLoadOptions {
  readonly schema?: CsvSchema;
  readonly rowsPerMessage?: number;
}

/**
 * The CSV load wired: S3 ObjectCreated → csvToQueue → `queue` … queueToTable → `table`. Any
 * adapters of the ports will do: in-memory, AWS, or fault-decorated (`withFaults`).
 *
 * @example
 * const { csvToQueue, queueToTable } = assembleCsvLoad({ objects, queue, table, rejects }, { schema });
 * await csvToQueue(s3Event, context);
 */
export const assembleCsvLoad = (ports: CsvLoadPorts, options: CsvLoadOptions = {}) => ({
  csvToQueue: createCsvToQueueHandler({
    objects: ports.objects,
    queue: ports.queue,
    rejects: ports.rejects,
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.rowsPerMessage === undefined ? {} : { rowsPerMessage: options.rowsPerMessage }),
  }),
  queueToTable: createQueueToTableHandler({
    table: ports.table,
    rejects: ports.tableRejects ?? ports.rejects,
  }),
});

/** The handlers {@link assembleCsvLoad} wires. */
export type CsvLoadHandlers = ReturnType<typeof assembleCsvLoad>;
