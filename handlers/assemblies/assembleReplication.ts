import type { MessageQueue } from "../../ports/messageQueue.js";
import type { RejectSink } from "../../ports/rejectSink.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { createQueueToTableHandler } from "../queueToTable.js";
import { createStreamToQueueHandler } from "../streamToQueue.js";

/** The ports of the replication pipeline (seed 000). */
export interface ReplicationPorts {
  /** Where streamToQueue sends the changes (FIFO, or standard with a sequence-guarded `table`). */
  readonly queue: MessageQueue;
  /** The replica writer queueToTable applies the messages with. */
  readonly table: TableWriter;
  /** Where both functions report what they skip. */
  readonly rejects: RejectSink;
}

/**
 * Replication wired: DynamoDB stream → streamToQueue → `queue` … queueToTable → `table`. Any
 * adapters of the ports will do: in-memory, AWS, or fault-decorated (`withFaults`).
 *
 * @example
 * const { streamToQueue, queueToTable } = assembleReplication({ queue, table, rejects });
 * await streamToQueue(streamEvent, context);
 */
export const assembleReplication = (ports: ReplicationPorts) => ({
  streamToQueue: createStreamToQueueHandler({ queue: ports.queue, rejects: ports.rejects }),
  queueToTable: createQueueToTableHandler({ table: ports.table, rejects: ports.rejects }),
});

/** The handlers {@link assembleReplication} wires. */
export type ReplicationHandlers = ReturnType<typeof assembleReplication>;
