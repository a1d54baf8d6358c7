import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { objectCreatedEvent } from "../../adapters/localAws/services/s3Notification.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { CsvSchema } from "../../domain/csvSchema.js";
import { assembleCsvLoad } from "./assembleCsvLoad.js";

/** The in-memory services the CSV load runs on. */
export interface CsvLoadServicesOptions {
  /** Key of the target table `items`. */
  readonly tableKey: KeySchema;
  /** FIFO queue `rows.fifo`, or standard queue `rows` (default). */
  readonly fifo?: boolean;
  /** Receives before a message goes to the DLQ (default 10). */
  readonly maxReceiveCount?: number;
  /** Bytes per chunk of an object's body as it is read (default: the whole body). */
  readonly chunkBytes?: number;
  /** The standard queue's receive order (default: random). */
  readonly random?: () => number;
  readonly clock?: VirtualClock;
}

/**
 * The services of the offline CSV load on a virtual clock: bucket `uploads`, the queue (and its
 * DLQ), table `items`, and the in-memory ports on them.
 *
 * @example
 * const s = csvLoadServices({ tableKey: { partitionKey: "id" } });
 * s.queueName; // "rows"
 */
export const csvLoadServices = (options: CsvLoadServicesOptions) => {
  const clock = options.clock ?? virtualClock();
  const objects = new InMemoryObjectStore(options.chunkBytes);
  objects.createBucket("uploads");
  const sqs = new InMemorySqs(clock.now, options.random);
  const queueName = options.fifo ? "rows.fifo" : "rows";
  const dlqName = options.fifo ? "rows-dlq.fifo" : "rows-dlq";
  sqs.createQueue(dlqName, { visibilityTimeoutSeconds: 30 });
  sqs.createQueue(queueName, {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: dlqName, maxReceiveCount: options.maxReceiveCount ?? 10 },
  });
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("items", options.tableKey);
  return {
    clock,
    objects,
    sqs,
    queueName,
    dlqName,
    db,
    queue: new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv),
    table: new InMemoryTableWriter(db, "items", noWaitRetryEnv),
  };
};

/** Settings of the offline CSV loader. */
export interface OfflineCsvLoadOptions {
  /** Column types and key columns (default: all strings, key = first column). */
  readonly schema?: CsvSchema;
  /** Key of the target table; must match the schema's key columns. */
  readonly tableKey: KeySchema;
}

/**
 * Seed 004 offline: bucket `uploads` → (ObjectCreated) csvToQueue → SQS queue `rows` (DLQ
 * `rows-dlq` after 10 receives) → queueToTable → table `items`, on in-memory services.
 *
 * @example
 * const p = offlineCsvLoad({ tableKey: { partitionKey: "campo1" } });
 * await p.upload("ejemplo.csv", "campo1,campo2\na,b\n");
 * await p.run();
 * p.db.scan("items"); // [{ campo1: { S: "a" }, campo2: { S: "b" } }]
 */
export const offlineCsvLoad = (options: OfflineCsvLoadOptions) => {
  const { queue, table, ...services } = csvLoadServices({ tableKey: options.tableKey });
  const { clock, objects, sqs, queueName } = services;
  const rejects = new InMemoryRejectSink();
  const { csvToQueue, queueToTable } = assembleCsvLoad(
    { objects, queue, table, rejects },
    options.schema ? { schema: options.schema } : {},
  );
  const consumer = new SqsEventSourceRunner(sqs, queueName, queueToTable, {
    clock: clock.now,
    advanceClock: clock.advance,
  });
  return {
    ...services,
    rejects,
    /** Stores the object and invokes csvToQueue with its ObjectCreated notification, as S3 would. */
    upload: async (key: string, body: string | Uint8Array) => {
      const stored = objects.put("uploads", key, body);
      await csvToQueue(
        objectCreatedEvent("uploads", key, stored),
        localContext("csvToQueue", 900_000, clock.now),
      );
    },
    /** Drains the queue into the table. */
    run: () => consumer.run(),
  };
};
