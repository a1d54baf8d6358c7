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
import common from "aws-kinesis-agg/lib/common.js";
import deagg, { type UserRecord } from "aws-kinesis-agg/lib/kpl-deagg.js";
import type { Deaggregate, KplUserRecord } from "../../domain/kplUserRecord.js";

/**
 * Base64 of the magic bytes F3 89 9A C2 that open a KPL aggregate begins "84maw" (the 6th
 * character also depends on the 5th byte): a cheap first filter; the library checks all four.
 */
const MAGIC_PREFIX = "84maw";

/**
 * The user records of a KPL aggregate (base64 payload), checksum verified, in order; `undefined`
 * when the payload is not a valid aggregate (no magic bytes, a protobuf that does not parse, an
 * MD5 that does not match, or no user record): like the KCL, such a record is an ordinary one.
 * @example deaggregateKpl(event.Records[0].kinesis.data)?.length // 100 for awslabs' sample event
 */
export const deaggregateKpl: Deaggregate = (data) => {
  if (!data.startsWith(MAGIC_PREFIX)) return undefined;
  let failed = false;
  let users: ReadonlyArray<UserRecord> = [];
  try {
    // The sequence number is required by the library's record shape but unused here.
    deagg.deaggregateSync({ data, sequenceNumber: "" }, true, (error, records) => {
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
  users: ReadonlyArray<UserRecord>,
): ((index: number) => boolean) => {
  if (users.every((user) => typeof user.explicitPartitionKey !== "string")) return () => true;
  const bytes = Buffer.from(data, "base64");
  const message = common.AggregatedRecord.decode(bytes.subarray(4, bytes.length - 16));
  return (index) => {
    const record = message.records[index];
    return record !== undefined && Object.hasOwn(record, "explicit_hash_key_index");
  };
};
