import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type _Record as SdkKinesisRecord,
} from "@aws-sdk/client-kinesis";
import type { KinesisStreamRecord } from "aws-lambda";
import type { StreamHandler } from "../eventSources/StreamEventSourceRunner.js";
import {
  type ShardApi,
  type ShardInfo,
  ShardPoller,
  type ShardPollerOptions,
  type ShardPollStats,
} from "./shardPolling.js";

/** GetRecords on Kinesis returns at most 10,000 records. */
const MAX_GET_RECORDS = 10_000;

/** Where a record came from, for its Lambda envelope. */
export interface KinesisRecordOrigin {
  readonly shardId: string;
  readonly streamArn: string;
  readonly region: string;
  /** The role Lambda would invoke with (only copied into `invokeIdentityArn`). */
  readonly invokeIdentityArn: string;
}

/**
 * A record as Kinesis GetRecords returns it, in the shape Lambda's event source delivers it:
 * `eventID` = `shardId:sequenceNumber`, `kinesis.data` in base64, the arrival time in epoch
 * seconds (with milliseconds as the fraction).
 * @example toLambdaKinesisRecord(response.Records[0], { shardId, streamArn, region, invokeIdentityArn })
 */
export const toLambdaKinesisRecord = (
  record: SdkKinesisRecord,
  origin: KinesisRecordOrigin,
): KinesisStreamRecord => {
  const sequenceNumber = record.SequenceNumber ?? "";
  const data = record.Data ?? new Uint8Array();
  return {
    awsRegion: origin.region,
    eventID: `${origin.shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    eventSource: "aws:kinesis",
    eventSourceARN: origin.streamArn,
    eventVersion: "1.0",
    invokeIdentityArn: origin.invokeIdentityArn,
    kinesis: {
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1_000,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
      kinesisSchemaVersion: "1.0",
      partitionKey: record.PartitionKey ?? "",
      sequenceNumber,
    },
  };
};

/**
 * The Kinesis calls of a {@link ShardPoller}: ListShards (all pages), GetShardIterator,
 * GetRecords (records converted with {@link toLambdaKinesisRecord}; `MillisBehindLatest` > 0
 * means more records follow even when a page is empty).
 * @example new ShardPoller(kinesisStreamApi(client, "EventStream"), handler)
 */
export const kinesisStreamApi = (
  client: KinesisClient,
  streamName: string,
  invokeIdentityArn = "arn:aws:iam::000000000000:role/local-kinesis-poller",
): ShardApi<KinesisStreamRecord> => {
  let origin: Promise<Omit<KinesisRecordOrigin, "shardId">> | undefined;
  const originOf = () => {
    origin ??= (async () => {
      const { StreamDescriptionSummary: summary } = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      const region = await client.config.region();
      return { streamArn: summary?.StreamARN ?? streamName, region, invokeIdentityArn };
    })();
    return origin;
  };
  return {
    listShards: async () => {
      const shards: ShardInfo[] = [];
      let next: string | undefined;
      do {
        const page = await client.send(
          new ListShardsCommand(
            next === undefined ? { StreamName: streamName } : { NextToken: next },
          ),
        );
        for (const shard of page.Shards ?? [])
          if (shard.ShardId !== undefined)
            shards.push({
              shardId: shard.ShardId,
              ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
            });
        next = page.NextToken;
      } while (next !== undefined);
      return shards;
    },
    shardIterator: async (shardId, position) => {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...("sequenceNumber" in position
            ? { StartingSequenceNumber: position.sequenceNumber }
            : {}),
        }),
      );
      if (ShardIterator === undefined)
        throw new Error(`GetShardIterator gave no iterator for ${streamName} ${shardId}`);
      return ShardIterator;
    },
    getRecords: async (shardId, iterator, limit) => {
      const where = { ...(await originOf()), shardId };
      const response = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, MAX_GET_RECORDS) }),
      );
      return {
        records: (response.Records ?? []).map((r) => toLambdaKinesisRecord(r, where)),
        nextIterator: response.NextShardIterator,
        caughtUp: (response.MillisBehindLatest ?? 0) === 0,
      };
    },
    sequenceOf: (record) => record.kinesis.sequenceNumber,
  };
};

/**
 * Lambda's Kinesis event source mapping, for local runs (moto, LocalStack) or scripts against
 * AWS: reads every shard of the stream with GetRecords, hands the records to a stream handler
 * (e.g. handlers/kinesisToTable.ts `handler`) in batches, in Lambda's `KinesisStreamRecord`
 * shape, and follows its partial batch responses (re-reads from the reported sequence number
 * with `AT_SEQUENCE_NUMBER`; retries a batch whose handler threw; see {@link ShardPoller}). The
 * client must speak HTTP/1.1 to an emulator: `new KinesisClient({ requestHandler: new
 * NodeHttpHandler() })`. `run()` returns after a few polls in a row found nothing new.
 *
 * @example
 * const poller = new KinesisPoller(kinesisClient, "EventStream", handler);
 * const stats = await poller.run(); // { invocations: 1, failedInvocations: 0, records: 4 }
 */
export class KinesisPoller {
  private readonly poller: ShardPoller<KinesisStreamRecord>;

  constructor(
    client: KinesisClient,
    readonly streamName: string,
    handler: StreamHandler<KinesisStreamRecord>,
    options: ShardPollerOptions<KinesisStreamRecord> & { readonly invokeIdentityArn?: string } = {},
  ) {
    const { invokeIdentityArn, ...rest } = options;
    this.poller = new ShardPoller(
      kinesisStreamApi(client, streamName, invokeIdentityArn),
      handler,
      {
        functionName: "kinesis-consumer",
        ...rest,
      },
    );
  }

  /** Delivers every record not yet acknowledged; returns when the stream stays quiet. */
  run(): Promise<ShardPollStats> {
    return this.poller.run();
  }
}
