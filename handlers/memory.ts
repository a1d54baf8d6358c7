/**
 * `dynamodb-pipelines/memory`: the pipelines without AWS — the in-memory adapters (one per
 * port), the local AWS services they run on (InMemoryDynamoDb with its streams, InMemorySqs,
 * InMemoryKinesis, S3 notifications), the event-source runners that feed handlers the way
 * Lambda's event source mappings do, and the five offline pipeline assemblies.
 */

/** @example await handler(event, localContext("queueToTable")) */
export { localContext } from "../adapters/localAws/eventSources/localContext.js";
/** @example await new SqsEventSourceRunner(sqs, "replica", handler, { clock, advanceClock }).run() */
export {
  type SqsEventSourceOptions,
  SqsEventSourceRunner,
  type SqsEventSourceStats,
  type SqsHandler,
} from "../adapters/localAws/eventSources/SqsEventSourceRunner.js";
/** @example await new StreamEventSourceRunner(db.stream("orders"), handler, { batchSize: 100, sequenceOf }).run() */
export {
  type ShardReader,
  type StreamBatchResponse,
  StreamEventSourceRunner,
  type StreamHandler,
  type StreamRunnerOptions,
  type StreamRunStats,
} from "../adapters/localAws/eventSources/StreamEventSourceRunner.js";
/** @example new StreamEventSourceRunner(shard, handler, { batchSize: 100, sequenceOf, window: { seconds: 60, shardId: "shardId-1", now } }) */
export type {
  StreamWindowOptions,
  WindowFields,
} from "../adapters/localAws/eventSources/streamWindows.js";
/** @example const clock = virtualClock(); const db = new InMemoryDynamoDb(clock.now); */
export { type VirtualClock, virtualClock } from "../adapters/localAws/eventSources/virtualClock.js";
/** @example const db = new InMemoryDynamoDb(); db.createTable("replica", { partitionKey: "pk" }); */
export {
  type BatchRequest,
  type DynamoFaultHook,
  type DynamoStreamRecord,
  InMemoryDynamoDb,
  type ItemCondition,
  type TransactAction,
} from "../adapters/localAws/services/InMemoryDynamoDb.js";
/** @example const kinesis = new InMemoryKinesis(clock.now); kinesis.createStream("EventStream", 1); */
export {
  InMemoryKinesis,
  type KinesisEntry,
  type KinesisFaultHook,
  type KinesisShard,
} from "../adapters/localAws/services/InMemoryKinesis.js";
/** @example const sqs = new InMemorySqs(clock.now); sqs.createQueue("replica", { visibilityTimeoutSeconds: 30 }); */
export {
  InMemorySqs,
  type QueueOptions,
  type SendEntry,
  type SqsFaultHook,
} from "../adapters/localAws/services/InMemorySqs.js";
/** @example const records = db.stream("orders").read(undefined, 100); */
export { InMemoryTableStream } from "../adapters/localAws/services/InMemoryTableStream.js";
/** @example objectCreatedEvent("uploads", "csv/orders.csv") */
export { objectCreatedEvent } from "../adapters/localAws/services/s3Notification.js";
/** @example if (error instanceof InMemoryServiceError) console.log(error.name); */
export { InMemoryServiceError } from "../adapters/localAws/services/serviceError.js";
/** @example new InMemoryAggregateStore(db, "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec), clock.now) */
export { InMemoryAggregateStore } from "../adapters/memory/InMemoryAggregateStore.js";
/** @example const jobs = new InMemoryJobRunner({ db, sourceTable: "api-pagos", targetTable: "api-pos-backup", mappings }); */
export {
  type CopyResult,
  InMemoryJobRunner,
  type InMemoryJobRunnerOptions,
  type JobFaultHook,
  type JobRun,
} from "../adapters/memory/InMemoryJobRunner.js";
/** @example const queue = new InMemoryMessageQueue(sqs, "replica.fifo", noWaitRetryEnv); */
export { InMemoryMessageQueue } from "../adapters/memory/InMemoryMessageQueue.js";
/** @example const s3 = new InMemoryObjectStore(); s3.createBucket("uploads"); */
export {
  DEFAULT_CHUNK_BYTES,
  InMemoryObjectStore,
  type ObjectStoreFaultHook,
  type PutResult,
} from "../adapters/memory/InMemoryObjectStore.js";
/** @example const rejects = new InMemoryRejectSink(); */
export { InMemoryRejectSink } from "../adapters/memory/InMemoryRejectSink.js";
/** @example new InMemorySequenceGuardedTableWriter(db, { table: "replica", versionTable: "versions" }) */
export { InMemorySequenceGuardedTableWriter } from "../adapters/memory/InMemorySequenceGuardedTableWriter.js";
/** @example new InMemoryTableWriter(db, "replica") */
export { InMemoryTableWriter } from "../adapters/memory/InMemoryTableWriter.js";
/** @example new InMemoryTableWriter(db, "replica", noWaitRetryEnv) */
export { noWaitRetryEnv } from "../adapters/shared/retry.js";
/** @example const p = offlineAggregation(); */
export { offlineAggregation } from "./assemblies/offlineAggregation.js";
/** @example const p = offlineCsvLoad({ tableKey: { partitionKey: "campo1" } }); */
export { type OfflineCsvLoadOptions, offlineCsvLoad } from "./assemblies/offlineCsvLoad.js";
/** @example const p = offlineEventLog(); */
export { offlineEventLog } from "./assemblies/offlineEventLog.js";
/** @example const p = offlineGlueCopy({ mappings: [["id", "string", "id", "string"]] }); */
export { type OfflineGlueCopyOptions, offlineGlueCopy } from "./assemblies/offlineGlueCopy.js";
/** @example const p = offlineReplication({ fifo: true }); await p.run(); */
export {
  type OfflineReplicationOptions,
  offlineReplication,
} from "./assemblies/offlineReplication.js";
