import type { DynamoDBRecord } from "aws-lambda";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemorySequenceGuardedTableWriter } from "../../adapters/memory/InMemorySequenceGuardedTableWriter.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import { versionTableSchema } from "../../domain/sequenceGuard.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { assembleReplication } from "./assembleReplication.js";

/** The in-memory services replication runs on. */
export interface ReplicationServicesOptions {
  /** Key of the source and replica tables (default `pk`). */
  readonly keySchema?: KeySchema;
  /** FIFO queue (per-key order) or standard queue (default FIFO). */
  readonly fifo?: boolean;
  /** Creates the sequence guard's version table `versions` (default: yes, whatever the queue). */
  readonly versionTable?: boolean;
  /** Receives before a message goes to the DLQ (default 5; `"never"`: no redrive policy). */
  readonly maxReceiveCount?: number | "never";
  /** The standard queue's receive order (default: random). */
  readonly random?: () => number;
  readonly clock?: VirtualClock;
}

/**
 * The services of offline replication on a virtual clock: tables `source` (with a stream),
 * `replica` and `versions` (the sequence guard's), the queue and its DLQ.
 *
 * @example
 * const s = replicationServices({ fifo: false });
 * s.queueName; // "replica"
 */
export const replicationServices = (options: ReplicationServicesOptions = {}) => {
  const clock = options.clock ?? virtualClock();
  const schema = options.keySchema ?? { partitionKey: "pk" };
  const fifo = options.fifo ?? true;
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("source", schema, { stream: true });
  db.createTable("replica", schema);
  if (options.versionTable ?? true) db.createTable("versions", versionTableSchema);
  const sqs = new InMemorySqs(clock.now, options.random);
  const queueName = fifo ? "replica.fifo" : "replica";
  const dlqName = fifo ? "replica-dlq.fifo" : "replica-dlq";
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  sqs.createQueue(dlqName, { visibilityTimeoutSeconds: 30 });
  sqs.createQueue(queueName, {
    visibilityTimeoutSeconds: 30,
    ...(maxReceiveCount === "never"
      ? {}
      : { redrive: { deadLetterQueue: dlqName, maxReceiveCount } }),
  });
  return { clock, fifo, db, sqs, queueName, dlqName };
};

/** The services {@link replicationServices} builds. */
export type ReplicationServices = ReturnType<typeof replicationServices>;

/**
 * The replica writer the constructs deploy, whatever the queue: sequence-guarded (version table
 * `versions`), so neither a standard queue's reordering nor a dead-letter redrive on a FIFO queue
 * applies an older change over a newer one.
 * @example const table = replicaWriter(replicationServices({ fifo: false }));
 */
export const replicaWriter = (services: ReplicationServices): TableWriter =>
  new InMemorySequenceGuardedTableWriter(services.db, {
    table: "replica",
    versionTable: "versions",
    clock: services.clock.now,
    retry: noWaitRetryEnv,
  });

/** Settings of the offline replication pipeline. */
export interface OfflineReplicationOptions {
  /** Key of the source and replica tables (default `pk`). */
  readonly keySchema?: KeySchema;
  /** FIFO queue (per-key order) or standard queue (default FIFO); sequence-guarded either way. */
  readonly fifo?: boolean;
  /**
   * `false`: the bare seed, FIFO only: a plain BatchWriteItem writer and no version table (a
   * dead-letter redrive could apply an older change over a newer one). Default true.
   */
  readonly versionTable?: boolean;
  readonly streamBatchSize?: number;
  /** Messages per queueToTable invocation (seed 000: 10). */
  readonly queueBatchSize?: number;
}

/**
 * Seed 000 offline: table `source` (with a stream) → streamToQueue → SQS queue (DLQ after 5
 * receives) → queueToTable in batches of 10 → table `replica`, on in-memory services and a
 * virtual clock, writes ordered by the sequence guard (version table `versions`) as the
 * constructs deploy it. Write to `db` table `source`, then `run()`.
 *
 * @example
 * const p = offlineReplication();
 * p.db.put("source", { pk: { S: "a" } });
 * await p.run();
 * p.db.scan("replica"); // [{ pk: { S: "a" } }]
 */
export const offlineReplication = (options: OfflineReplicationOptions = {}) => {
  const guarded = options.versionTable ?? true;
  if (!guarded && options.fifo === false)
    throw new RangeError("a standard queue needs the version table: nothing else orders it");
  const services = replicationServices({
    ...(options.keySchema ? { keySchema: options.keySchema } : {}),
    ...(options.fifo === undefined ? {} : { fifo: options.fifo }),
    versionTable: guarded,
  });
  const { clock, db, sqs, queueName } = services;
  const rejects = new InMemoryRejectSink();
  const { streamToQueue, queueToTable } = assembleReplication({
    queue: new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv),
    table: guarded
      ? replicaWriter(services)
      : new InMemoryTableWriter(services.db, "replica", noWaitRetryEnv),
    rejects,
  });
  const stream = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("source"), streamToQueue, {
    batchSize: options.streamBatchSize ?? 100,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
  });
  const consumer = new SqsEventSourceRunner(sqs, queueName, queueToTable, {
    clock: clock.now,
    advanceClock: clock.advance,
    batchSize: options.queueBatchSize ?? 10,
  });
  return {
    ...services,
    rejects,
    /** Delivers the source's stream to the queue, then drains the queue into the replica. */
    run: async () => ({ stream: await stream.drain(), queue: await consumer.run() }),
  };
};
