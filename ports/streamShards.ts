import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../domain/errors.js";

/**
 * A DynamoDB stream record as a shard lookup needs it.
 * @example const record: StreamRecordRef = { streamArn, eventId: "7de3…", sequenceNumber: "4421584500000000017450439091" };
 */
export interface StreamRecordRef {
  /** The stream's ARN (the records' `eventSourceARN`). */
  readonly streamArn: string;
  readonly eventId: string;
  readonly sequenceNumber: string;
}

/**
 * The shards of a DynamoDB stream, read back to tell which shard a delivered record belongs to.
 * An event without a tumbling window does not name its shard; the aggregation asks this only
 * when a record could have been applied by a watermark of its shard (after a tumbling window was
 * removed from the mapping), never on the ordinary path.
 *
 * @example
 * const ids = await shards.shardsOf(streamArn)();
 * const mine = await shards.holds("shardId-00000001700000000000-0000abcd", record)();
 */
export interface StreamShards {
  /** The ids of the stream's shards: open ones and closed ones still readable. */
  readonly shardsOf: (streamArn: string) => TaskEither<PipelineError, ReadonlyArray<string>>;
  /**
   * Whether `record` is in the shard: the shard read at the record's sequence number yields the
   * record's eventID. `false` only when the shard conclusively does not hold it; a read that
   * failed for another reason is a left.
   */
  readonly holds: (shardId: string, record: StreamRecordRef) => TaskEither<PipelineError, boolean>;
}
