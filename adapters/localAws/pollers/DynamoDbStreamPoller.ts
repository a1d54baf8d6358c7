import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from "aws-lambda";
import { fromSdkItem } from "../../shared/sdkAttributes.js";
import type { StreamHandler } from "../eventSources/StreamEventSourceRunner.js";
import {
  type ShardApi,
  type ShardInfo,
  ShardPoller,
  type ShardPollerOptions,
  type ShardPollStats,
} from "./shardPolling.js";

/** GetRecords on DynamoDB Streams returns at most 1,000 records. */
const MAX_GET_RECORDS = 1_000;

type LambdaImage = Record<string, LambdaAttributeValue>;

/** An SDK image (binary as bytes) in the JSON form Lambda delivers (binary as base64). */
const imageOf = (
  image: Record<string, SdkAttributeValue> | undefined,
): { readonly image?: LambdaImage } =>
  image === undefined ? {} : { image: fromSdkItem(image) as unknown as LambdaImage };

/** A record's images as GetRecords sent them (DynamoDB JSON, binary as base64: Lambda's shape). */
interface WireImages {
  readonly Keys?: LambdaImage;
  readonly NewImage?: LambdaImage;
  readonly OldImage?: LambdaImage;
}

/**
 * Runs GetRecords and also returns the images of its records as parsed from the response body
 * with `JSON.parse`, as Lambda's runtime parses its event: the SDK's deserializer loses the value
 * of a map entry named `__proto__` (it redefines the key before reading it), so the SDK's images
 * cannot be used for items with such names.
 */
const getRecordsWithWireImages = async (
  client: DynamoDBStreamsClient,
  command: GetRecordsCommand,
) => {
  let wire: ReadonlyArray<WireImages> = [];
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { body?: unknown };
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Uint8Array>)
        chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      const parsed = JSON.parse(bytes.toString("utf8")) as {
        readonly Records?: ReadonlyArray<{ readonly dynamodb?: WireImages }>;
      };
      wire = (parsed.Records ?? []).map((r) => r.dynamodb ?? {});
      response.body = new Uint8Array(bytes);
      return result;
    },
    { step: "deserialize", priority: "low", name: "wireImagesOfGetRecords" },
  );
  const response = await client.send(command);
  return { response, wire };
};

/**
 * A record as DynamoDB Streams' GetRecords returns it, in the shape Lambda's event source
 * delivers it: attribute values in DynamoDB JSON with binary as base64 (`wire`: the images as
 * the response body held them; else converted with `fromSdkItem`),
 * `ApproximateCreationDateTime` in epoch seconds, `eventSourceARN` = the stream ARN.
 * @example toLambdaStreamRecord(response.Records[0], streamArn, "us-east-1")
 */
export const toLambdaStreamRecord = (
  record: SdkStreamRecord,
  streamArn: string,
  region: string,
  wire?: WireImages,
): DynamoDBRecord => {
  const data = record.dynamodb ?? {};
  const keys =
    wire?.Keys ?? imageOf(data.Keys as Record<string, SdkAttributeValue> | undefined).image;
  const newImage =
    wire?.NewImage ?? imageOf(data.NewImage as Record<string, SdkAttributeValue> | undefined).image;
  const oldImage =
    wire?.OldImage ?? imageOf(data.OldImage as Record<string, SdkAttributeValue> | undefined).image;
  const created = data.ApproximateCreationDateTime;
  return {
    ...(record.eventID === undefined ? {} : { eventID: record.eventID }),
    ...(record.eventName === undefined ? {} : { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created === undefined
        ? {}
        : { ApproximateCreationDateTime: Math.floor(created.getTime() / 1_000) }),
      ...(keys === undefined ? {} : { Keys: keys }),
      ...(newImage === undefined ? {} : { NewImage: newImage }),
      ...(oldImage === undefined ? {} : { OldImage: oldImage }),
      ...(data.SequenceNumber === undefined ? {} : { SequenceNumber: data.SequenceNumber }),
      ...(data.SizeBytes === undefined ? {} : { SizeBytes: data.SizeBytes }),
      ...(data.StreamViewType === undefined ? {} : { StreamViewType: data.StreamViewType }),
    },
    ...(record.userIdentity === undefined
      ? {}
      : {
          userIdentity: {
            type: record.userIdentity.Type,
            principalId: record.userIdentity.PrincipalId,
          },
        }),
  };
};

/**
 * The DynamoDB Streams calls of a {@link ShardPoller}: DescribeStream (all pages) for the shards,
 * GetShardIterator, GetRecords (records converted with {@link toLambdaStreamRecord}).
 * @example new ShardPoller(dynamoDbStreamApi(client, streamArn), handler)
 */
export const dynamoDbStreamApi = (
  client: DynamoDBStreamsClient,
  streamArn: string,
): ShardApi<DynamoDBRecord> => ({
  listShards: async () => {
    const shards: ShardInfo[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription: description } = await client.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(start === undefined ? {} : { ExclusiveStartShardId: start }),
        }),
      );
      for (const shard of description?.Shards ?? [])
        if (shard.ShardId !== undefined)
          shards.push({
            shardId: shard.ShardId,
            ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          });
      start = description?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  },
  shardIterator: async (shardId, position) => {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: position.type,
        ...("sequenceNumber" in position ? { SequenceNumber: position.sequenceNumber } : {}),
      }),
    );
    if (ShardIterator === undefined)
      throw new Error(`GetShardIterator gave no iterator for ${streamArn} ${shardId}`);
    return ShardIterator;
  },
  getRecords: async (_shardId, iterator, limit) => {
    const region = await client.config.region();
    const { response, wire } = await getRecordsWithWireImages(
      client,
      new GetRecordsCommand({
        ShardIterator: iterator,
        Limit: Math.min(limit, MAX_GET_RECORDS),
      }),
    );
    return {
      records: (response.Records ?? []).map((r, i) =>
        toLambdaStreamRecord(r, streamArn, region, wire[i]),
      ),
      nextIterator: response.NextShardIterator,
      caughtUp: true,
    };
  },
  sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
});

/**
 * Lambda's DynamoDB stream event source mapping, for local runs (DynamoDB Local) or scripts
 * against AWS: reads the table's stream shard by shard with GetRecords, hands the records to a
 * stream handler (e.g. a deployable `handler` from handlers/) in batches, in Lambda's
 * `DynamoDBRecord` shape, and follows its partial batch responses: it re-reads from the first
 * failed sequence number (GetShardIterator `AT_SEQUENCE_NUMBER`) and retries a batch whose
 * handler threw (see {@link ShardPoller} for the details and options). `run()` returns after a
 * few polls in a row found nothing new; call it again after more writes, it resumes from its
 * checkpoints.
 *
 * @example
 * const poller = new DynamoDbStreamPoller(new DynamoDBStreamsClient({}), streamArn, handler, { batchSize: 2 });
 * const stats = await poller.run(); // { invocations: 2, failedInvocations: 0, records: 4 }
 */
export class DynamoDbStreamPoller {
  private readonly poller: ShardPoller<DynamoDBRecord>;

  constructor(
    client: DynamoDBStreamsClient,
    readonly streamArn: string,
    handler: StreamHandler<DynamoDBRecord>,
    options: ShardPollerOptions<DynamoDBRecord> = {},
  ) {
    this.poller = new ShardPoller(dynamoDbStreamApi(client, streamArn), handler, {
      functionName: "dynamodb-stream-consumer",
      ...options,
    });
  }

  /** Delivers every record not yet acknowledged; returns when the stream stays quiet. */
  run(): Promise<ShardPollStats> {
    return this.poller.run();
  }
}
