import type { DynamoDBRecord, SQSRecord } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemorySequenceGuardedTableWriter } from "../../adapters/memory/InMemorySequenceGuardedTableWriter.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { versionTableSchema } from "../../domain/sequenceGuard.js";
import { createQueueToTableHandler } from "../../handlers/queueToTable.js";
import { createStreamToQueueHandler } from "../../handlers/streamToQueue.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import {
  dynamoServiceFaults,
  sqsServiceFaults,
  TrackingMessageQueue,
  TrackingTableWriter,
  unexpectedErrors,
} from "../support/faults.js";
import { seededRandom } from "../support/sqs.js";

/** What the replication fault rig is built from. */
export interface ReplicationRigOptions {
  /** FIFO queue, or standard queue with the sequence guard. */
  readonly fifo: boolean;
  readonly streamBatchSize: number;
  /** Seeds the standard queue's receive order. */
  readonly seed: number;
  /** Builds the fault plans from the rig's clock. */
  readonly plans: (clock: ReturnType<typeof virtualClock>) => {
    readonly queue: FaultPlan;
    readonly table: FaultPlan;
  };
  /** Share of the replica writes and sends failing at the in-memory services (default none). */
  readonly serviceFaultRate?: number;
  /** The replica writer without faults (default: the in-memory one the queue type calls for). */
  readonly replicaWriter?: (db: InMemoryDynamoDb, clock: () => number) => TableWriter;
}

/**
 * Replication in memory with port-level faults: `source` (stream) → streamToQueue → SQS (FIFO,
 * or standard with random receive order) → queueToTable → replica writer (sequence-guarded on a
 * standard queue), on a virtual clock. Faults go in through `withFaults` on the MessageQueue and
 * TableWriter ports; observers record what the queue accepted and what the writer applied;
 * every SQS record delivered is kept (to deliver duplicates), and every stream delivery counted.
 * @example
 * const real = replicationRig({ fifo: true, streamBatchSize: 3, seed: 1, plans: () => ({ queue: FaultPlan.none(), table: FaultPlan.none() }) });
 */
export const replicationRig = (options: ReplicationRigOptions) => {
  const clock = virtualClock();
  const plans = options.plans(clock);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("source", { partitionKey: "pk" }, { stream: true });
  db.createTable("replica", { partitionKey: "pk" });
  if (!options.fifo) db.createTable("versions", versionTableSchema);
  const sqs = new InMemorySqs(clock.now, options.fifo ? undefined : seededRandom(options.seed));
  const queueName = options.fifo ? "replica.fifo" : "replica";
  const dlqName = options.fifo ? "replica-dlq.fifo" : "replica-dlq";
  sqs.createQueue(dlqName, { visibilityTimeoutSeconds: 30 });
  sqs.createQueue(queueName, {
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: dlqName, maxReceiveCount: 1000 },
  });
  const serviceRandom = seededRandom(options.seed + 7);
  db.fault = dynamoServiceFaults(serviceRandom, options.serviceFaultRate ?? 0, [
    "replica",
    "versions",
  ]);
  sqs.fault = sqsServiceFaults(serviceRandom, options.serviceFaultRate ?? 0);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const queue = new TrackingMessageQueue(new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv));
  const writer =
    options.replicaWriter?.(db, clock.now) ??
    (options.fifo
      ? new InMemoryTableWriter(db, "replica", noWaitRetryEnv)
      : new InMemorySequenceGuardedTableWriter(db, {
          table: "replica",
          versionTable: "versions",
          clock: clock.now,
          retry: noWaitRetryEnv,
        }));
  const table = new TrackingTableWriter(writer);
  const deliveries = new Map<string, number>();
  const streamHandler = unexpected.wrap(
    perInvocation(
      [plans.queue],
      createStreamToQueueHandler({ queue: withFaults(queue, plans.queue), rejects }),
    ),
  );
  const countingStreamHandler: typeof streamHandler = (event, context) => {
    for (const record of event.Records)
      deliveries.set(record.eventID ?? "", (deliveries.get(record.eventID ?? "") ?? 0) + 1);
    return streamHandler(event, context);
  };
  const delivered: SQSRecord[] = [];
  const queueHandler = unexpected.wrap(
    perInvocation(
      [plans.table],
      createQueueToTableHandler({ table: withFaults(table, plans.table), rejects }),
    ),
  );
  const recordingQueueHandler: typeof queueHandler = (event, context) => {
    delivered.push(...event.Records);
    return queueHandler(event, context);
  };
  const streamContext = () => localContext("streamToQueue", 60_000, clock.now);
  const stream = new StreamEventSourceRunner<DynamoDBRecord>(
    db.stream("source"),
    countingStreamHandler,
    {
      batchSize: options.streamBatchSize,
      sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
      context: streamContext,
      maxAttempts: 200,
    },
  );
  /** Records checkpointed by the stream runner (they are a prefix of the stream). */
  let checkpointed = 0;
  return {
    clock,
    plans,
    db,
    sqs,
    queueName,
    dlqName,
    rejects,
    unexpected: unexpected.errors,
    queue,
    table,
    deliveries,
    delivered,
    checkpointed: () => checkpointed,
    /** Up to `steps` invocations of the stream side. */
    pumpStream: async (steps = Number.POSITIVE_INFINITY) => {
      for (let i = 0; i < steps; i++) {
        const step = await stream.step();
        if (step === undefined) return;
        checkpointed += step.completed;
      }
    },
    /** Up to `rounds` receives of the queue side, `batchSize` messages each. */
    pumpQueue: (rounds: number, batchSize = 10) =>
      new SqsEventSourceRunner(sqs, queueName, recordingQueueHandler, {
        clock: clock.now,
        advanceClock: clock.advance,
        batchSize,
        maxRounds: rounds,
      }).run(),
    /**
     * Lambda delivers these stream records again (at-least-once: it re-reads the shard from an
     * earlier position), retrying from the failed record until the window is done, as it would.
     */
    redeliverStream: async (records: ReadonlyArray<DynamoDBRecord>) => {
      let window = [...records];
      for (let attempt = 0; window.length > 0 && attempt < 200; attempt++) {
        const response = await countingStreamHandler({ Records: window }, streamContext()).catch(
          () => ({ batchItemFailures: [{ itemIdentifier: window[0]?.dynamodb?.SequenceNumber }] }),
        );
        const failed = response.batchItemFailures[0]?.itemIdentifier;
        const from = window.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        window = failed === undefined ? [] : window.slice(Math.max(0, from));
      }
    },
    /** SQS delivers these messages again (standard queues: at-least-once). */
    redeliverMessages: (records: ReadonlyArray<SQSRecord>) =>
      recordingQueueHandler(
        { Records: [...records] },
        localContext("queueToTable", 30_000, clock.now),
      ).catch(() => undefined),
  };
};

/** The rig {@link replicationRig} builds. */
export type ReplicationRig = ReturnType<typeof replicationRig>;
