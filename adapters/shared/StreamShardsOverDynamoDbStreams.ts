import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { StreamRecordRef, StreamShards } from "../../ports/streamShards.js";
import type { DynamoDbStreamsCalls } from "./dynamoDbStreamsCalls.js";
import { mapServiceError } from "./mapServiceError.js";

/**
 * What GetShardIterator answers for a sequence number the shard does not hold (or no longer
 * holds): the shard conclusively does not hold the record.
 */
const NOT_IN_SHARD: ReadonlySet<string> = new Set([
  "ValidationException",
  "InvalidArgumentException",
  "ResourceNotFoundException",
  "TrimmedDataAccessException",
]);

/** Empty GetRecords pages followed before a read counts as no answer. */
const MAX_EMPTY_PAGES = 5;

/**
 * {@link StreamShards} over {@link DynamoDbStreamsCalls}: the shard ids from DescribeStream (every
 * page), and a record's membership by GetShardIterator `AT_SEQUENCE_NUMBER` then GetRecords
 * (`Limit: 1`, following empty pages a few times) compared by eventID, which is unique across
 * the stream. An iterator refused as invalid or out of range means the shard does not hold the
 * record; throttling, server faults, missing permissions and pages that stay empty are lefts.
 *
 * @example
 * const shards = new StreamShardsOverDynamoDbStreams(awsDynamoDbStreamsCalls(new DynamoDBStreamsClient({})));
 */
export class StreamShardsOverDynamoDbStreams implements StreamShards {
  constructor(private readonly calls: DynamoDbStreamsCalls) {}

  readonly shardsOf =
    (streamArn: string): TE.TaskEither<PipelineError, ReadonlyArray<string>> =>
    async () => {
      const ids: string[] = [];
      let start: string | undefined;
      do {
        const page = await this.calls.describeStream({
          StreamArn: streamArn,
          ...(start === undefined ? {} : { ExclusiveStartShardId: start }),
        })();
        if (E.isLeft(page)) return E.left(mapServiceError(page.left, `stream ${streamArn}`));
        const description = page.right.StreamDescription;
        for (const shard of description?.Shards ?? [])
          if (shard.ShardId !== undefined) ids.push(shard.ShardId);
        start = description?.LastEvaluatedShardId;
      } while (start !== undefined);
      return E.right(ids);
    };

  readonly holds =
    (shardId: string, record: StreamRecordRef): TE.TaskEither<PipelineError, boolean> =>
    async () => {
      const resource = `stream ${record.streamArn}`;
      const iterator = await this.calls.getShardIterator({
        StreamArn: record.streamArn,
        ShardId: shardId,
        ShardIteratorType: "AT_SEQUENCE_NUMBER",
        SequenceNumber: record.sequenceNumber,
      })();
      if (E.isLeft(iterator))
        return NOT_IN_SHARD.has(iterator.left.name)
          ? E.right(false)
          : E.left(mapServiceError(iterator.left, resource));
      // GetRecords may answer an empty page while records lie further on ("it might take
      // multiple calls", API reference): follow the iterator a few pages; still nothing is no
      // answer (a left), never "not in this shard".
      let position = iterator.right.ShardIterator;
      for (let page = 0; position !== undefined && page < MAX_EMPTY_PAGES; page++) {
        const read = await this.calls.getRecords({ ShardIterator: position, Limit: 1 })();
        if (E.isLeft(read))
          return NOT_IN_SHARD.has(read.left.name)
            ? E.right(false)
            : E.left(mapServiceError(read.left, resource));
        const [first] = read.right.Records ?? [];
        if (first !== undefined) return E.right(first.eventID === record.eventId);
        position = read.right.NextShardIterator;
      }
      return E.left(
        transient("GetRecords", `${resource}: no record read at ${record.sequenceNumber} yet`),
      );
    };
}
