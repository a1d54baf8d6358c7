import type { DynamoDBRecord } from "aws-lambda";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemorySequenceGuardedTableWriter } from "../../adapters/memory/InMemorySequenceGuardedTableWriter.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import { versionTableSchema } from "../../domain/sequenceGuard.js";
import { createQueueToTableHandler } from "../queueToTable.js";
import { createStreamToQueueHandler } from "../streamToQueue.js";

/** Settings of the offline replication pipeline. */
export interface OfflineReplicationOptions {
  /** Key of the source and replica tables (default `pk`). */
  readonly keySchema?: KeySchema;
  /** FIFO queue (per-key order) or standard queue with the sequence guard (default FIFO). */
  readonly fifo?: boolean;
  readonly streamBatchSize?: number;
  /** Messages per queueToTable invocation (seed 000: 10). */
  readonly queueBatchSize?: number;
}

/**
 * Seed 000 offline: table `source` (with a stream) → streamToQueue → SQS queue (DLQ after 5
 * receives) → queueToTable in batches of 10 → table `replica`, on in-memory services and a
 * virtual clock. A standard queue (`fifo: false`) is paired with the sequence guard (version
 * table `versions`). Write to `db` table `source`, then `run()`.
 *
 * @example
 * const p = offlineReplication();
 * p.db.put("source", { pk: { S: "a" } });
 * await p.run();
 * p.db.scan("replica"); // [{ pk: { S: "a" } }]
 */
export const offlineReplication = (options: OfflineReplicationOptions = {}) => {
  const clock = virtualClock();
  const schema = options.keySchema ?? { partitionKey: "pk" };
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("source", schema, { stream: true });
  db.createTable("replica", schema);
  const fifo = options.fifo ?? true;
  if (!fifo) db.createTable("versions", versionTableSchema);
  const sqs = new InMemorySqs(clock.now);
  const queueName = fifo ? "replica.fifo" : "replica";
  const dlqName = fifo ? "replica-dlq.fifo" : "replica-dlq";
  sqs.createQueue(dlqName, { visibilityTimeoutSeconds: 30 });
  sqs.createQueue(queueName, {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: dlqName, maxReceiveCount: 5 },
  });
  const rejects = new InMemoryRejectSink();
  const streamHandler = createStreamToQueueHandler({
    queue: new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv),
    rejects,
  });
  const queueHandler = createQueueToTableHandler({
    table: fifo
      ? new InMemoryTableWriter(db, "replica", noWaitRetryEnv)
      : new InMemorySequenceGuardedTableWriter(db, {
          table: "replica",
          versionTable: "versions",
          clock: clock.now,
          retry: noWaitRetryEnv,
        }),
    rejects,
  });
  const stream = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("source"), streamHandler, {
    batchSize: options.streamBatchSize ?? 100,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
  });
  const consumer = new SqsEventSourceRunner(sqs, queueName, queueHandler, {
    clock: clock.now,
    advanceClock: clock.advance,
    batchSize: options.queueBatchSize ?? 10,
  });
  return {
    clock,
    db,
    sqs,
    queueName,
    dlqName,
    rejects,
    /** Delivers the source's stream to the queue, then drains the queue into the replica. */
    run: async () => ({ stream: await stream.drain(), queue: await consumer.run() }),
  };
};
