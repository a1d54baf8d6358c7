import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import type { InMemoryKinesis } from "../../adapters/localAws/services/InMemoryKinesis.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { assembleEventLog } from "../../handlers/assemblies/assembleEventLog.js";
import { eventLogServices } from "../../handlers/assemblies/offlineEventLog.js";

/** Base64 of a text's UTF-8 bytes. */
export const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** What a hand-made Kinesis record carries (every field has a default). */
export interface KinesisRecordSpec {
  /** A JSON value (serialized), or `{ raw }`: the exact base64 text of `kinesis.data`. */
  readonly payload?: unknown;
  readonly raw?: string;
  readonly sequenceNumber?: string;
  readonly shardId?: string;
  readonly partitionKey?: string;
  /** Seconds since the epoch, with a fraction (Lambda's `approximateArrivalTimestamp`). */
  readonly arrival?: number;
}

let counter = 0;

/** A Kinesis record as Lambda delivers it, with a fresh sequence number unless one is given. */
export const kinesisRecord = (spec: KinesisRecordSpec = {}): KinesisStreamRecord => {
  counter += 1;
  const shardId = spec.shardId ?? "shardId-000000000000";
  const sequenceNumber = spec.sequenceNumber ?? String(49_000_000_000_000n + BigInt(counter));
  return {
    awsRegion: "us-east-1",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    eventSource: "aws:kinesis",
    eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/EventStream",
    eventVersion: "1.0",
    invokeIdentityArn: "arn:aws:iam::000000000000:role/lambda-role",
    kinesis: {
      approximateArrivalTimestamp: spec.arrival ?? 1_700_000_000.123,
      data:
        spec.raw ?? base64(JSON.stringify(spec.payload ?? { sensor: "temperature", value: 22.5 })),
      kinesisSchemaVersion: "1.0",
      partitionKey: spec.partitionKey ?? "1",
      sequenceNumber,
    },
  };
};

/** A Kinesis event holding the records. */
export const kinesisEvent = (records: ReadonlyArray<KinesisStreamRecord>): KinesisStreamEvent => ({
  Records: [...records],
});

/**
 * The seed's pipeline in memory: an `EventStream` (1 shard) on a virtual clock, an `EventLogs`
 * table keyed by `eventId`, and the handler (assembleEventLog) writing through an in-memory
 * table writer that never waits between retries.
 * @example const { kinesis, invoke } = eventLogRig({ shards: 2 });
 */
export const eventLogRig = (options: { readonly shards?: number } = {}) => {
  const { clock, kinesis, db, table } = eventLogServices(options);
  const rejects = new InMemoryRejectSink();
  const { kinesisToTable: handler } = assembleEventLog({ table, rejects });
  const invoke = (
    records: ReadonlyArray<KinesisStreamRecord>,
  ): Promise<KinesisStreamBatchResponse> =>
    handler(kinesisEvent(records), localContext("kinesisToTable", 60_000, clock.now));
  /** Advances the virtual clock. */
  const advance = clock.advance;
  return { kinesis, db, rejects, handler, invoke, advance, clock: clock.now };
};

/**
 * Feeds one shard to a handler the way Lambda's Kinesis event source does (with
 * ReportBatchItemFailures), through the library's StreamEventSourceRunner.
 */
export const pollShard = async (
  kinesis: InMemoryKinesis,
  stream: string,
  shardId: string,
  invoke: (records: ReadonlyArray<KinesisStreamRecord>) => Promise<KinesisStreamBatchResponse>,
  options: { readonly batchSize?: number; readonly maxInvocations?: number } = {},
): Promise<{ readonly invocations: number }> => {
  const runner = new StreamEventSourceRunner<KinesisStreamRecord>(
    { read: (after, limit) => kinesis.read(stream, shardId, after, limit) },
    (event) => invoke(event.Records),
    {
      batchSize: options.batchSize ?? 100,
      sequenceOf: (record) => record.kinesis.sequenceNumber,
      maxAttempts: options.maxInvocations ?? 100,
    },
  );
  const { invocations } = await runner.drain();
  return { invocations };
};
