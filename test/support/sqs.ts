import type { Context, DynamoDBRecord, SQSEvent, SQSRecord } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { SqsEventSourceRunner } from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { AttributeMap, KeySchema } from "../../domain/attributeValue.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import type { DeleteCommand, PutCommand } from "../../domain/writeCommand.js";
import { assembleReplication } from "../../handlers/assemblies/assembleReplication.js";
import { replicationServices } from "../../handlers/assemblies/offlineReplication.js";

export { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
export { seededRandom } from "../../adapters/localAws/faults/faultPlan.js";

let messageCounter = 0;

/** An SQS record as Lambda delivers it, with a fresh message id unless one is given. */
export const sqsRecord = (
  body: string,
  overrides: {
    readonly messageId?: string;
    readonly groupId?: string;
    /** The queue's ARN (`eventSourceARN`); a standard queue `replica` by default. */
    readonly queueArn?: string;
  } = {},
): SQSRecord => {
  messageCounter += 1;
  const messageId = overrides.messageId ?? `msg-${messageCounter}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "000000000000",
      ApproximateFirstReceiveTimestamp: "0",
      ...(overrides.groupId === undefined ? {} : { MessageGroupId: overrides.groupId }),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: overrides.queueArn ?? "arn:aws:sqs:us-east-1:000000000000:replica",
    awsRegion: "us-east-1",
  };
};

/** An SQS event of these records. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context with a generous deadline. */
export const testContext = (): Context => localContext("test", 60_000, () => 0);

/** A put command of `item` keyed under `schema`. */
export const putOf = (
  item: AttributeMap,
  schema: KeySchema,
  source: string,
  seq?: string,
): PutCommand => ({
  op: "put",
  key: Object.fromEntries(
    [schema.partitionKey, schema.sortKey]
      .filter((name): name is string => name !== undefined)
      .map((name) => [name, item[name]]),
  ) as AttributeMap,
  item,
  source,
  ...(seq === undefined ? {} : { seq }),
});

/** A delete command. */
export const deleteOf = (key: AttributeMap, source: string, seq?: string): DeleteCommand => ({
  op: "delete",
  key,
  source,
  ...(seq === undefined ? {} : { seq }),
});

/** A decoded change record. */
export const changeRecord = (
  eventName: ChangeRecord["eventName"],
  keys: AttributeMap,
  sequenceNumber: string,
  newImage?: AttributeMap,
): ChangeRecord => ({
  eventId: `evt-${sequenceNumber}`,
  eventName,
  sequenceNumber,
  keys,
  ...(newImage === undefined ? {} : { newImage }),
});

/** The key schema the replication tests use: a string partition key and a number sort key. */
export const replicaSchema: KeySchema = { partitionKey: "pk", sortKey: "sk" };

/**
 * The whole in-memory replication pipeline: source table with a stream → streamToQueue →
 * InMemorySqs → SqsEventSourceRunner → queueToTable → replica table (a plain writer, even on a
 * standard queue), wired by assembleReplication on the offline services.
 * @example const pipeline = replicationPipeline({ fifo: true }); await pipeline.pumpStream();
 */
export const replicationPipeline = (options: {
  readonly fifo: boolean;
  readonly streamBatchSize?: number;
  readonly queueBatchSize?: number;
  readonly redrive?: { readonly maxReceiveCount: number };
  readonly random?: () => number;
}) => {
  const services = replicationServices({
    keySchema: replicaSchema,
    fifo: options.fifo,
    versionTable: false,
    maxReceiveCount: options.redrive?.maxReceiveCount ?? "never",
    ...(options.random ? { random: options.random } : {}),
  });
  const { clock, db, sqs, queueName } = services;
  const rejects = new InMemoryRejectSink();
  const { streamToQueue: streamHandler, queueToTable: queueHandler } = assembleReplication({
    queue: new InMemoryMessageQueue(sqs, queueName, noWaitRetryEnv),
    table: new InMemoryTableWriter(db, "replica", noWaitRetryEnv),
    rejects,
  });
  const stream = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("source"), streamHandler, {
    batchSize: options.streamBatchSize ?? 100,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
    maxAttempts: 50,
  });
  const consumer = (maxRounds?: number) =>
    new SqsEventSourceRunner(sqs, queueName, queueHandler, {
      clock: clock.now,
      advanceClock: clock.advance,
      batchSize: options.queueBatchSize ?? 10,
      ...(maxRounds === undefined ? {} : { maxRounds }),
    });
  return {
    ...services,
    rejects,
    streamHandler,
    queueHandler,
    /** Runs the stream side until the source stream is consumed. */
    pumpStream: () => stream.drain(),
    /** Runs the queue side until the queue is drained (or `maxRounds` receives). */
    pumpQueue: (maxRounds?: number) => consumer(maxRounds).run(),
  };
};
