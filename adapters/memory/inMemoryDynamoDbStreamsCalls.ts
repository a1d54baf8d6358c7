import type { _Record } from "@aws-sdk/client-dynamodb-streams";
import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import type { DynamoDbStreamsCalls } from "../shared/dynamoDbStreamsCalls.js";
import { callService } from "../shared/serviceFailure.js";

const ITERATOR_SEPARATOR = "\u0000";

/**
 * {@link DynamoDbStreamsCalls} on the streams of an {@link InMemoryDynamoDb}'s tables, one shard
 * each: DescribeStream lists it, GetShardIterator `AT_SEQUENCE_NUMBER` is refused
 * (ValidationException) for a sequence number the shard does not hold and
 * (ResourceNotFoundException) for another shard, GetRecords reads from the iterator's position.
 *
 * @example
 * const shards = new StreamShardsOverDynamoDbStreams(inMemoryDynamoDbStreamsCalls(db));
 */
export const inMemoryDynamoDbStreamsCalls = (db: InMemoryDynamoDb): DynamoDbStreamsCalls => {
  const streamOf = (arn: string | undefined) => {
    const stream = arn === undefined ? undefined : db.streamByArn(arn);
    if (stream === undefined)
      throw new InMemoryServiceError(
        "ResourceNotFoundException",
        `Requested resource not found: stream ${arn}`,
      );
    return stream;
  };
  return {
    describeStream: ({ StreamArn }) =>
      callService(async () => {
        const stream = streamOf(StreamArn);
        const first = stream.all()[0]?.dynamodb?.SequenceNumber;
        return {
          StreamDescription: {
            StreamArn,
            Shards: [
              {
                ShardId: stream.shardId,
                ...(first === undefined
                  ? {}
                  : { SequenceNumberRange: { StartingSequenceNumber: first } }),
              },
            ],
          },
        };
      }),
    getShardIterator: ({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }) =>
      callService(async () => {
        const stream = streamOf(StreamArn);
        if (ShardId !== stream.shardId)
          throw new InMemoryServiceError(
            "ResourceNotFoundException",
            `Requested resource not found: shard ${ShardId}`,
          );
        if (ShardIteratorType !== "AT_SEQUENCE_NUMBER" || SequenceNumber === undefined)
          throw new InMemoryServiceError(
            "ValidationException",
            "only AT_SEQUENCE_NUMBER iterators are simulated",
          );
        if (stream.readAt(SequenceNumber, 1).length === 0)
          throw new InMemoryServiceError(
            "ValidationException",
            `Invalid SequenceNumber ${SequenceNumber} for shard ${ShardId}`,
          );
        return { ShardIterator: [stream.arn, SequenceNumber].join(ITERATOR_SEPARATOR) };
      }),
    getRecords: ({ ShardIterator, Limit }) =>
      callService(async () => {
        const [arn, sequence] = (ShardIterator ?? "").split(ITERATOR_SEPARATOR);
        const records = streamOf(arn).readAt(sequence ?? "", Limit ?? 1000);
        return { Records: records as unknown as _Record[] };
      }),
  };
};
