/**
 * KPL aggregation for tests, with awslabs' `aws-kinesis-agg` aggregator (the producer side of
 * the library whose de-aggregator the handler uses; the format is the one the KPL writes).
 */
import agg from "aws-kinesis-agg";

/** A user record to aggregate. */
export interface KplUserInput {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/** The part of the library's RecordAggregator used here (its typings leave it out). */
interface RecordAggregator {
  addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
  build(): { readonly partitionKey: string; readonly data: Buffer } | undefined;
}

const { RecordAggregator } = agg as unknown as { RecordAggregator: new () => RecordAggregator };

/**
 * The Kinesis payload that aggregates the given user records (magic bytes, protobuf, MD5), as a
 * KPL producer would put it on the stream; throws when they do not fit in one record (1 MB).
 * @example kplAggregate([{ partitionKey: "a", data: Buffer.from("x") }]).subarray(0, 4) // f3 89 9a c2
 */
export const kplAggregate = (users: ReadonlyArray<KplUserInput>): Buffer => {
  const aggregator = new RecordAggregator();
  for (const user of users)
    aggregator.addUserRecord({
      partitionKey: user.partitionKey,
      ...(user.explicitHashKey === undefined ? {} : { explicitHashKey: user.explicitHashKey }),
      data: Buffer.from(user.data),
    });
  const built = aggregator.build();
  if (built === undefined) throw new Error("nothing to aggregate");
  return built.data;
};
