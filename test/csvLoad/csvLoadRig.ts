import type { S3Event } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import { assembleCsvLoad } from "../../handlers/assemblies/assembleCsvLoad.js";
import { csvLoadServices } from "../../handlers/assemblies/offlineCsvLoad.js";
import {
  dynamoServiceFaults,
  sqsServiceFaults,
  TrackingMessageQueue,
  TrackingTableWriter,
  unexpectedErrors,
} from "../support/faults.js";
import { queueSide } from "../support/queueSide.js";
import { seededRandom } from "../support/sqs.js";

/** The schema of the CSV fault tests: `id` (key), `qty` (number), `note` (string, empty → omitted). */
export const csvFaultSchema: CsvSchema & { readonly key: KeySchema } = {
  columns: { id: "string", qty: "number", note: "string" },
  key: { partitionKey: "id" },
};

/** What the CSV fault rig is built from. */
export interface CsvLoadRigOptions {
  readonly fifo: boolean;
  readonly rowsPerMessage: number;
  readonly seed: number;
  /** Share of the table writes and sends failing at the in-memory services (default none). */
  readonly serviceFaultRate?: number;
  readonly plans: (clock: VirtualClock) => {
    readonly objects: FaultPlan;
    readonly queue: FaultPlan;
    readonly table: FaultPlan;
  };
}

/** An S3 notification waiting for (another) asynchronous invocation, and its invocations so far. */
export interface PendingEvent {
  readonly key: string;
  readonly event: S3Event;
  invocations: number;
  done: boolean;
}

/**
 * The CSV pipeline in memory with port-level faults: bucket `uploads` (small body chunks) →
 * ObjectCreated → csvToQueue → SQS `rows` (FIFO or standard) → queueToTable → table `items`. S3
 * invokes csvToQueue asynchronously: a failed invocation is retried later (Lambda's async retries,
 * then the on-failure destination, redriven), and a notification may arrive twice. Wired by
 * assembleCsvLoad; it is the asynchronous and queue sides the shared model-based commands drive.
 * @example
 * const real = csvLoadRig({ fifo: true, rowsPerMessage: 1, seed: 1, plans: () => ({ objects: FaultPlan.none(), queue: FaultPlan.none(), table: FaultPlan.none() }) });
 */
export const csvLoadRig = (options: CsvLoadRigOptions) => {
  const {
    queue: memoryQueue,
    table: memoryTable,
    ...services
  } = csvLoadServices({
    tableKey: csvFaultSchema.key,
    fifo: options.fifo,
    maxReceiveCount: 1000,
    chunkBytes: 24,
    ...(options.fifo ? {} : { random: seededRandom(options.seed) }),
  });
  const { clock, objects, sqs, queueName, db } = services;
  const plans = options.plans(clock);
  const serviceRandom = seededRandom(options.seed + 7);
  db.fault = dynamoServiceFaults(serviceRandom, options.serviceFaultRate ?? 0, ["items"]);
  sqs.fault = sqsServiceFaults(serviceRandom, options.serviceFaultRate ?? 0);
  const csvRejects = new InMemoryRejectSink();
  const tableRejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const queue = new TrackingMessageQueue(memoryQueue);
  const table = new TrackingTableWriter(memoryTable);
  const { csvToQueue, queueToTable } = assembleCsvLoad(
    {
      objects: withFaults(objects, plans.objects),
      queue: withFaults(queue, plans.queue),
      table: withFaults(table, plans.table),
      rejects: csvRejects,
      tableRejects,
    },
    { schema: csvFaultSchema, rowsPerMessage: options.rowsPerMessage },
  );
  const csvHandler = unexpected.wrap(perInvocation([plans.objects, plans.queue], csvToQueue));
  const tableHandler = unexpected.wrap(perInvocation([plans.table], queueToTable));
  const events: PendingEvent[] = [];
  /** One asynchronous invocation for a notification; false when it failed (to be retried). */
  const invoke = async (pending: PendingEvent): Promise<boolean> => {
    pending.invocations += 1;
    try {
      await csvHandler(pending.event, localContext("csvToQueue", 900_000, clock.now));
      pending.done = true;
      return true;
    } catch {
      return false;
    }
  };
  const messages = queueSide(sqs, queueName, tableHandler, clock, "queueToTable");
  return {
    ...services,
    plans,
    csvRejects,
    tableRejects,
    unexpected: unexpected.errors,
    queue,
    table,
    events,
    invoke,
    ...messages,
    /** Stores an object; S3 then notifies (the event waits for {@link invoke}). */
    upload: (key: string, body: string) => {
      const stored = objects.put("uploads", key, body);
      events.push({
        key,
        event: objectCreatedEvent("uploads", key, stored),
        invocations: 0,
        done: false,
      });
    },
    /** S3 notifies about an object again: a new asynchronous event, retried until it succeeds. */
    notifyAgain: (pending: PendingEvent): PendingEvent => {
      const again: PendingEvent = { ...pending, invocations: 0, done: false };
      events.push(again);
      return again;
    },
    /** Every notification until done, and the queue until empty (faults run out). */
    drain: () =>
      messages.drainAfter(
        async () => {
          for (const event of events) if (!event.done) await invoke(event);
        },
        () => events.every((e) => e.done),
      ),
  };
};

/** The rig {@link csvLoadRig} builds. */
export type CsvLoadRig = ReturnType<typeof csvLoadRig>;
