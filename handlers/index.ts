/**
 * The package's main entry (`import … from "dynamodb-pipelines"`): what a user composes the six
 * Lambda entry points with — the `create…Handler` factories and their dependency types, the port
 * interfaces, the AWS adapters, the domain types those speak, and the least-privilege IAM
 * statements of each entry point. The deployable `handler`s themselves are the subpaths
 * `dynamodb-pipelines/handlers/<entryPoint>`; the in-memory adapters and the local AWS are
 * `dynamodb-pipelines/memory`.
 */

/** @example new DynamoDbAggregateStore(client, "totals", spec, markerLayoutOf(spec)) */
export { DynamoDbAggregateStore } from "../adapters/aws/DynamoDbAggregateStore.js";
/** @example new DynamoDbSequenceGuardedTableWriter(client, { table: "replica", versionTable: "versions" }) */
export { DynamoDbSequenceGuardedTableWriter } from "../adapters/aws/DynamoDbSequenceGuardedTableWriter.js";
/** @example new DynamoDbTableWriter(client, "replica") */
export { DynamoDbTableWriter } from "../adapters/aws/DynamoDbTableWriter.js";
/** @example new GlueJobRunner(glue, "copy-job") */
export { GlueJobRunner } from "../adapters/aws/GlueJobRunner.js";
/** @example new LogRejectSink("replica") */
export { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
/** @example new S3ObjectStore(createS3Client()) */
export { createS3Client, S3ObjectStore } from "../adapters/aws/S3ObjectStore.js";
/** @example new SqsMessageQueue(sqs, queueUrl) */
export { SqsMessageQueue } from "../adapters/aws/SqsMessageQueue.js";
/** @example new SqsMessageQueue(sqs, queueUrl, { ...defaultRetryEnv, random: () => 0.5 }) */
export { defaultRetryEnv, type RetryEnv } from "../adapters/shared/retry.js";
/** @example toSdkItem({ pk: { S: "a" } }) */
export { fromSdkItem, type SdkItem, toSdkItem } from "../adapters/shared/sdkAttributes.js";
/** @example const options: SequenceGuardOptions = { table: "replica", versionTable: "versions" }; */
export type { SequenceGuardOptions } from "../adapters/shared/sequenceGuardedWrites.js";
/** @example const layout: MarkerLayout = markerLayoutOf(spec); */
export { type MarkerLayout, markerLayoutOf } from "../domain/aggregateMarkers.js";
/** @example const spec: AggregateSpec = seedAggregateSpec; */
export { type AggregateSpec, type GroupField, seedAggregateSpec } from "../domain/aggregateSpec.js";
/** @example const key: KeySchema = { partitionKey: "pk" }; */
export type {
  AttributeMap,
  AttributeType,
  AttributeValue,
  KeySchema,
} from "../domain/attributeValue.js";
/** @example const schema = decodeCsvSchema(JSON.parse(process.env.CSV_SCHEMA ?? "{}")); */
export {
  type ColumnType,
  type CsvSchema,
  decodeCsvSchema,
  type EmptyAs,
} from "../domain/csvSchema.js";
/** @example const deadline: Deadline = { remainingMs: () => context.getRemainingTimeInMillis() }; */
export { type Deadline, unboundedDeadline } from "../domain/deadline.js";
/** @example if (error._tag === "InvalidRecord") console.error(describeError(error)); */
export {
  type ConfigurationError,
  describeError,
  type InvalidRecord,
  type PipelineError,
  type TransientFailure,
} from "../domain/errors.js";
/** @example const limits: BatchingLimits = { maxEntries: 10, maxBatchBytes: 262_144 }; */
export type { BatchingLimits } from "../domain/messageBatching.js";
/** @example const message: OutgoingMessage = { id: "0", body: "{}", groupId: "a" }; */
export type { OutgoingMessage } from "../domain/outgoingMessage.js";
/** @example const policy: RetryPolicy = defaultRetryPolicy; */
export { defaultRetryPolicy, type RetryPolicy } from "../domain/retryPolicy.js";
/** @example const put: WriteCommand = { op: "put", item: { pk: { S: "a" } }, key: { pk: { S: "a" } }, source: "m1" }; */
export type { DeleteCommand, PutCommand, WriteCommand } from "../domain/writeCommand.js";
/** @example const store: AggregateStore = new DynamoDbAggregateStore(client, "totals", spec, layout); */
export type { AggregateStore, ApplyOutcome } from "../ports/aggregateStore.js";
/** @example const jobs: JobRunner = new GlueJobRunner(glue, "copy-job"); */
export type { JobRunner } from "../ports/jobRunner.js";
/** @example const queue: MessageQueue = new SqsMessageQueue(sqs, queueUrl); */
export type { MessageQueue, SendReport } from "../ports/messageQueue.js";
/** @example const objects: ObjectStore = new S3ObjectStore(s3); */
export type { ObjectLocation, ObjectStore, ObjectStream } from "../ports/objectStore.js";
/** @example const rejects: RejectSink = new LogRejectSink("replica"); */
export type { RejectedRecord, RejectSink } from "../ports/rejectSink.js";
/** @example const table: TableWriter = new DynamoDbTableWriter(client, "replica"); */
export type { FailedWrite, TableWriter, WriteReport } from "../ports/tableWriter.js";
/** @example const { streamAggregate } = assembleAggregation({ store, rejects }); */
export { assembleAggregation } from "./assemblies/assembleAggregation.js";
/** @example const { csvToQueue, queueToTable } = assembleCsvLoad({ objects, queue, table, rejects }); */
export { assembleCsvLoad } from "./assemblies/assembleCsvLoad.js";
/** @example const { kinesisToTable } = assembleEventLog({ table, rejects }); */
export { assembleEventLog } from "./assemblies/assembleEventLog.js";
/** @example const { streamToGlue } = assembleGlueCopy({ jobs, rejects }); */
export { assembleGlueCopy } from "./assemblies/assembleGlueCopy.js";
/** @example const { streamToQueue, queueToTable } = assembleReplication({ queue, table, rejects }); */
export { assembleReplication } from "./assemblies/assembleReplication.js";
/**
 * The six entry points as factories of Middy handlers, over any adapters.
 * @example const handler = createQueueToTableHandler({ table: new DynamoDbTableWriter(client, "replica"), rejects: new LogRejectSink("replica") });
 */
export { type CsvToQueueDeps, createCsvToQueueHandler } from "./csvToQueue.js";
/** @example const handler = createKinesisToTableHandler({ table, rejects }); */
export { createKinesisToTableHandler, type KinesisToTableDeps } from "./kinesisToTable.js";
/**
 * Each entry point's IAM statements, from its configuration (plain IAM JSON), KMS included for
 * the customer managed keys named (`KeyArns`: `tableKeyArn`, `queueKeyArn`, …).
 * @example policyDocument(queueToTablePermissions({ region: "us-east-1", account: "123456789012", tableName: "replica" }))
 */
export {
  type AwsLocation,
  csvToQueuePermissions,
  type EntryPointPermissions,
  type KeyArns,
  kinesisToTablePermissions,
  type PolicyStatement,
  policyDocument,
  queueToTablePermissions,
  streamAggregatePermissions,
  streamToGluePermissions,
  streamToQueuePermissions,
} from "./lambda/permissions.js";
/** @example rejectDestinationPermissions({ region: "us-east-1", account: "123456789012" }, "s3://ops/rejects/") */
export { rejectDestinationPermissions } from "./lambda/rejectPermissions.js";
/** @example const handler = createQueueToTableHandler({ table, rejects }); */
export { createQueueToTableHandler, type QueueToTableDeps } from "./queueToTable.js";
/** @example const handler = createStreamAggregateHandler({ store, rejects }); */
export { createStreamAggregateHandler, type StreamAggregateDeps } from "./streamAggregate.js";
/** @example const handler = createStreamToGlueHandler({ jobs, rejects }); */
export { createStreamToGlueHandler, type StreamToGlueDeps } from "./streamToGlue.js";
/** @example const handler = createStreamToQueueHandler({ queue, rejects }); */
export { createStreamToQueueHandler, type StreamToQueueDeps } from "./streamToQueue.js";
