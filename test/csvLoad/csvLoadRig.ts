import type { S3Event } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import { createCsvToQueueHandler } from "../../handlers/csvToQueue.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
import {
  dynamoServiceFaults,
  sqsServiceFaults,
  TrackingMessageQueue,
  TrackingTableWriter,
  unexpectedErrors,
} from "../support/faults.js";
import { seededRandom } from "../support/sqs.js";

/** The schema of the CSV fault tests: `id` (key), `qty` (number), `note` (string, empty → omitted). */
export const csvFaultSchema: CsvSchema = {
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
 * then the on-failure destination, redriven), and a notification may arrive twice.
 * @example
 * const real = csvLoadRig({ fifo: true, rowsPerMessage: 1, seed: 1, plans: () => ({ objects: FaultPlan.none(), queue: FaultPlan.none(), table: FaultPlan.none() }) });
 */
export const csvLoadRig = (options: CsvLoadRigOptions) => {
  const clock = virtualClock();
  const plans = options.plans(clock);
  const objects = new InMemoryObjectStore(24);
  objects.createBucket("uploads");
  const sqs = new InMemorySqs(clock.now, options.fifo ? undefined : seededRandom(options.seed));
  const queueName = options.fifo ? "rows.fifo" : "rows";
  const dlqName = options.fifo ? "rows-dlq.fifo" : "rows-dlq";
  sqs.createQueue(dlqName, { visibilityTimeoutSeconds: 30 });
  sqs.createQueue(queueName, {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: dlqName, maxReceiveCount: 1000 },
  });
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("items", csvFaultSchema.key);
  const serviceRandom = seededRandom(options.seed + 7);
  db.fault = dynamoServiceFaults(serviceRandom, options.serviceFaultRate ?? 0, ["items"]);
  sqs.fault = sqsServiceFaults(serviceRandom, options.serviceFaultRate ?? 0);
  const csvRejects = new InMemoryRejectSink();
  const tableRejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const queue = new TrackingMessageQueue(new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv));
  const table = new TrackingTableWriter(new InMemoryTableWriter(db, "items", noWaitRetryEnv));
  const csvHandler = unexpected.wrap(
    perInvocation(
      [plans.objects, plans.queue],
      createCsvToQueueHandler({
        objects: withFaults(objects, plans.objects),
        queue: withFaults(queue, plans.queue),
        rejects: csvRejects,
        schema: csvFaultSchema,
        rowsPerMessage: options.rowsPerMessage,
      }),
    ),
  );
  const tableHandler = unexpected.wrap(
    perInvocation(
      [plans.table],
      createQueueToTableHandler({ table: withFaults(table, plans.table), rejects: tableRejects }),
    ),
  );
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
  return {
    clock,
    plans,
    objects,
    sqs,
    queueName,
    dlqName,
    db,
    csvRejects,
    tableRejects,
    unexpected: unexpected.errors,
    queue,
    table,
    events,
    invoke,
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
    /** Up to `rounds` receives of the queue side, `batchSize` messages each. */
    pumpQueue: (rounds: number, batchSize = 10) =>
      new SqsEventSourceRunner(sqs, queueName, tableHandler, {
        clock: clock.now,
        advanceClock: clock.advance,
        batchSize,
        maxRounds: rounds,
      }).run(),
  };
};

/** The rig {@link csvLoadRig} builds. */
export type CsvLoadRig = ReturnType<typeof csvLoadRig>;
