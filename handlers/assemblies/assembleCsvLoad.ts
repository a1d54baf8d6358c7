import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
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
import { createCsvToQueueHandler } from "../csvToQueue.js";
import { createQueueToTableHandler } from "../queueToTable.js";

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
  const clock = virtualClock();
  const objects = new InMemoryObjectStore();
  objects.createBucket("uploads");
  const sqs = new InMemorySqs(clock.now);
  sqs.createQueue("rows-dlq", { visibilityTimeoutSeconds: 30 });
  sqs.createQueue("rows", {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: "rows-dlq", maxReceiveCount: 10 },
  });
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("items", options.tableKey);
  const rejects = new InMemoryRejectSink();
  const csvHandler = createCsvToQueueHandler({
    objects,
    queue: new InMemoryMessageQueue(sqs, "rows", noWaitRetryEnv),
    rejects,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  const tableHandler = createQueueToTableHandler({
    table: new InMemoryTableWriter(db, "items", noWaitRetryEnv),
    rejects,
  });
  const consumer = new SqsEventSourceRunner(sqs, "rows", tableHandler, {
    clock: clock.now,
    advanceClock: clock.advance,
  });
  return {
    clock,
    objects,
    sqs,
    db,
    rejects,
    /** Stores the object and invokes csvToQueue with its ObjectCreated notification, as S3 would. */
    upload: async (key: string, body: string | Uint8Array) => {
      const stored = objects.put("uploads", key, body);
      await csvHandler(
        objectCreatedEvent("uploads", key, stored),
        localContext("csvToQueue", 900_000, clock.now),
      );
    },
    /** Drains the queue into the table. */
    run: () => consumer.run(),
  };
};
