import type { DynamoDBRecord } from "aws-lambda";
import * as TE from "fp-ts/lib/TaskEither.js";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import type { FaultPlan } from "../../adapters/localAws/faults/faultPlan.js";
import { perInvocation } from "../../adapters/localAws/faults/perInvocation.js";
import { withFaults } from "../../adapters/localAws/faults/withFaults.js";
import type { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryMessageSource } from "../../adapters/memory/InMemoryMessageSource.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { assembleReplication } from "../../handlers/assemblies/assembleReplication.js";
import {
  replicationServices,
  replicaWriter,
} from "../../handlers/assemblies/offlineReplication.js";
import type { TableWriter } from "../../ports/tableWriter.js";
import { redrive } from "../../ports/useCases/redrive.js";
import { queueRedriveSource } from "../../ports/useCases/redriveSources.js";
import {
  dynamoServiceFaults,
  sqsServiceFaults,
  TrackingMessageQueue,
  TrackingTableWriter,
  unexpectedErrors,
} from "../support/faults.js";
import { queueSide } from "../support/queueSide.js";
import { seededRandom } from "../support/sqs.js";
import { streamSide } from "../support/streamSide.js";

/** What the replication fault rig is built from. */
export interface ReplicationRigOptions {
  /** FIFO queue, or standard queue with the sequence guard. */
  readonly fifo: boolean;
  readonly streamBatchSize: number;
  /** Seeds the standard queue's receive order. */
  readonly seed: number;
  /** Builds the fault plans from the rig's clock. */
  readonly plans: (clock: VirtualClock) => {
    readonly queue: FaultPlan;
    readonly table: FaultPlan;
  };
  /** Share of the replica writes and sends failing at the in-memory services (default none). */
  readonly serviceFaultRate?: number;
  /** The replica writer without faults (default: the in-memory one the queue type calls for). */
  readonly replicaWriter?: (db: InMemoryDynamoDb, clock: () => number) => TableWriter;
  /** Receives before SQS moves a message to the dead-letter queue (default 1000: never, here). */
  readonly maxReceiveCount?: number;
}

/**
 * Replication in memory with port-level faults: `source` (stream) → streamToQueue → SQS (FIFO,
 * or standard with random receive order) → queueToTable → replica writer (sequence-guarded on a
 * standard queue), on a virtual clock, wired by assembleReplication. Faults go in through
 * `withFaults` on the MessageQueue and TableWriter ports; observers record what the queue
 * accepted and what the writer applied; every SQS record delivered is kept (to deliver
 * duplicates), and every stream delivery counted. It is the stream and queue sides the
 * model-based commands (test/support/commands) drive.
 * @example
 * const real = replicationRig({ fifo: true, streamBatchSize: 3, seed: 1, plans: () => ({ queue: FaultPlan.none(), table: FaultPlan.none() }) });
 */
export const replicationRig = (options: ReplicationRigOptions) => {
  const services = replicationServices({
    fifo: options.fifo,
    maxReceiveCount: options.maxReceiveCount ?? 1000,
    ...(options.fifo ? {} : { random: seededRandom(options.seed) }),
  });
  const { clock, db, sqs, queueName } = services;
  const plans = options.plans(clock);
  const serviceRandom = seededRandom(options.seed + 7);
  db.fault = dynamoServiceFaults(serviceRandom, options.serviceFaultRate ?? 0, [
    "replica",
    "versions",
  ]);
  sqs.fault = sqsServiceFaults(serviceRandom, options.serviceFaultRate ?? 0);
  const rejects = new InMemoryRejectSink();
  const unexpected = unexpectedErrors();
  const queue = new TrackingMessageQueue(new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv));
  const table = new TrackingTableWriter(
    options.replicaWriter?.(db, clock.now) ?? replicaWriter(services),
  );
  const { streamToQueue, queueToTable } = assembleReplication({
    queue: withFaults(queue, plans.queue),
    table: withFaults(table, plans.table),
    rejects,
  });
  const deliveries = new Map<string, number>();
  const streamHandler = unexpected.wrap(perInvocation([plans.queue], streamToQueue));
  const countingStreamHandler: typeof streamHandler = (event, context) => {
    for (const record of event.Records)
      deliveries.set(record.eventID ?? "", (deliveries.get(record.eventID ?? "") ?? 0) + 1);
    return streamHandler(event, context);
  };
  const queueHandler = unexpected.wrap(perInvocation([plans.table], queueToTable));
  const stream = streamSide<DynamoDBRecord>([db.stream("source")], countingStreamHandler, {
    batchSize: options.streamBatchSize,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    eventIdOf: (record) => record.eventID ?? "",
    context: () => localContext("streamToQueue", 60_000, clock.now),
    maxAttempts: 200,
    retryRedelivered: true,
  });
  const messages = queueSide(sqs, queueName, queueHandler, clock, "queueToTable");
  let redriven = 0;
  /** `redrive --from <dlq> --to <queue>`: the use case the command line runs. */
  const redriveDeadLetters = async () => {
    const summary = await redrive(
      queueRedriveSource(new InMemoryMessageSource(sqs, services.dlqName), 30),
      {
        to: sqs.queueUrl(queueName),
        directory: { urlOf: (arn) => TE.right(sqs.queueUrl(arn.slice(arn.lastIndexOf(":") + 1))) },
        queueAt: (url) => new InMemoryMessageQueue(sqs, url, noWaitRetryEnv),
      },
      { dryRun: false, deadline: unboundedDeadline },
    )();
    redriven += summary.sent;
    return summary;
  };
  const deadLetters = () => sqs.counts(services.dlqName);
  return {
    ...services,
    ...stream,
    plans,
    rejects,
    unexpected: unexpected.errors,
    queue,
    table,
    deliveries,
    ...messages,
    /** Up to `steps` invocations of the stream side. */
    pumpStream: async (steps = Number.POSITIVE_INFINITY) => {
      for (let i = 0; i < steps; i++) if (!(await stream.stepStream(0))) return;
    },
    redriveDeadLetters,
    /** Dead-lettered messages replayed so far. */
    redriven: () => redriven,
    /**
     * Stream and queue until both are empty, the dead-letter queue redriven as often as it fills
     * (the schedules are finite: faults run out).
     */
    drain: () =>
      messages.drainAfter(
        async () => {
          await stream.drainStreams();
          const { visible, inFlight } = deadLetters();
          if (visible + inFlight > 0) await redriveDeadLetters();
        },
        () =>
          stream.streamRecords(0).length === stream.checkpointed(0) &&
          deadLetters().visible + deadLetters().inFlight === 0,
      ),
  };
};

/** The rig {@link replicationRig} builds. */
export type ReplicationRig = ReturnType<typeof replicationRig>;
