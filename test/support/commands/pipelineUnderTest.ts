import type { SQSRecord } from "aws-lambda";

/**
 * What the shared model-based commands drive: a pipeline under test seen through its event
 * sources. Each model test's rig implements the parts its pipeline has.
 */

/** Inputs entering the pipeline (table writes, Kinesis records, uploads), mirrored in the model. */
export interface Inputs<M, I> {
  /** Applies the input to the real pipeline's source and to the model. */
  accept(model: M, input: I): void | Promise<void>;
}

/** A stream event source (DynamoDB stream: one shard; Kinesis: one or more). */
export interface StreamSide<R = unknown> {
  readonly streamShards: number;
  /** One invocation on the next batch of the shard, as Lambda's event source; false when idle. */
  stepStream(shard: number): Promise<boolean>;
  /** Every record of the shard so far. */
  streamRecords(shard: number): ReadonlyArray<R>;
  /** Records of the shard checkpointed by the event source (a prefix). */
  checkpointed(shard: number): number;
  /** Lambda delivers these records of the shard again (at-least-once). */
  redeliverStream(shard: number, records: ReadonlyArray<R>): Promise<void>;
  /** The event id of a record. */
  eventIdOf(record: R): string;
}

/** An SQS event source. */
export interface QueueSide {
  /** Up to `rounds` receives, `batchSize` messages each. */
  pumpQueue(rounds: number, batchSize?: number): Promise<unknown>;
  /** Every message delivered so far. */
  readonly delivered: ReadonlyArray<SQSRecord>;
  /** SQS delivers these messages again (standard queues: at-least-once). */
  redeliverMessages(records: ReadonlyArray<SQSRecord>): Promise<unknown>;
}

/** A queue's dead-letter queue, and the operator's replay of it (`redrive`). */
export interface DeadLetterSide {
  /** Replays every dead-lettered message into the queue it came from. */
  redriveDeadLetters(): Promise<unknown>;
}

/** An asynchronous invocation waiting (S3 notifications), retried until done. */
export interface PendingInvocation {
  readonly done: boolean;
}

/** Asynchronous invocations (S3 → Lambda): retried after failures, sometimes duplicated. */
export interface AsyncSide<E extends PendingInvocation = PendingInvocation> {
  readonly events: ReadonlyArray<E>;
  /** One invocation for the event; false when it failed (to be retried). */
  invoke(event: E): Promise<boolean>;
  /** The event notified again: a new event, retried until it succeeds. */
  notifyAgain(event: E): E;
}

/** Time passing on the virtual clock (and what is due then: Glue runs completing). */
export interface PassingTime {
  passTime(ms: number): void;
}

/** A pipeline that can be run until quiet: every source consumed, every queue empty. */
export interface Drainable {
  drain(): Promise<void>;
}

/** The model's count of redeliveries per event id (reports may repeat once per redelivery). */
export interface Redeliveries {
  readonly redelivered: Map<string, number>;
}
