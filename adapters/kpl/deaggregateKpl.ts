/**
 * KPL de-aggregation with awslabs' `aws-kinesis-agg` (the reference Node.js implementation of
 * the Kinesis Producer Library's aggregation format). It lives in adapters/ because the library
 * runs on Node's Buffer and `crypto` (MD5), which domain/ may not import; its synchronous
 * callback API is turned into a plain return value here.
 *
 * One correction: the library gives a user record WITHOUT an explicit hash key the first key of
 * the aggregate's table (protobufjs reads the absent optional index as its default, 0). When an
 * aggregate has explicit hash keys, the adapter reads which user records really carry one from
 * the same protobuf model the library ships.
 */
import agg from "aws-kinesis-agg";
import common from "aws-kinesis-agg/lib/common.js";
import type { Deaggregate, KplUserRecord } from "../../domain/kplUserRecord.js";

/** The four magic bytes that open a KPL aggregate, base64 of F3 89 9A C2 starts with "84mawg". */
const MAGIC_PREFIX = "84mawg";

/** A user record as the library gives it (`explicitPartitionKey` is the explicit hash key). */
interface LibraryUserRecord {
  readonly partitionKey: string;
  readonly explicitPartitionKey?: string | undefined;
  readonly subSequenceNumber?: number | undefined;
  readonly data: string;
}

/**
 * The user records of a KPL aggregate (base64 payload), checksum verified, in order; `undefined`
 * when the payload is not a valid aggregate (no magic bytes, a protobuf that does not parse, an
 * MD5 that does not match, or no user record): like the KCL, such a record is an ordinary one.
 * @example deaggregateKpl(event.Records[0].kinesis.data)?.length // 100 for awslabs' sample event
 */
export const deaggregateKpl: Deaggregate = (data) => {
  if (!data.startsWith(MAGIC_PREFIX)) return undefined;
  let failed = false;
  let users: ReadonlyArray<LibraryUserRecord> = [];
  try {
    // The sequence number is required by the library's record shape but unused here.
    agg.deaggregateSync({ data, sequenceNumber: "" } as never, true, (error, records) => {
      if (error) failed = true;
      else users = records ?? [];
    });
  } catch {
    failed = true;
  }
  if (failed || users.length === 0) return undefined;
  // A non-aggregated payload comes back as itself, without a subsequence number.
  if (users.some((user) => user.subSequenceNumber === undefined)) return undefined;
  const carriesHashKey = explicitHashKeyCarriers(data, users);
  return users.map(
    (user, index): KplUserRecord => ({
      subSequenceNumber: user.subSequenceNumber ?? index,
      partitionKey: user.partitionKey,
      ...(typeof user.explicitPartitionKey === "string" && carriesHashKey(index)
        ? { explicitHashKey: user.explicitPartitionKey }
        : {}),
      data: user.data,
    }),
  );
};

/** Which user records carry an explicit hash key (all, when the aggregate has none to give). */
const explicitHashKeyCarriers = (
  data: string,
  users: ReadonlyArray<LibraryUserRecord>,
): ((index: number) => boolean) => {
  if (users.every((user) => typeof user.explicitPartitionKey !== "string")) return () => true;
  const bytes = Buffer.from(data, "base64");
  const message = common.AggregatedRecord.decode(bytes.subarray(4, bytes.length - 16));
  return (index) => {
    const record = message.records[index];
    return record !== undefined && Object.hasOwn(record, "explicit_hash_key_index");
  };
};
