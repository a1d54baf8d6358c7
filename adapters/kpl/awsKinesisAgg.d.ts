/**
 * Types for the two modules of `aws-kinesis-agg` that deaggregateKpl.ts imports directly (its
 * index also loads the aggregator and the `async` package, 30 KB more in every bundle, and its
 * typings import the AWS SDK v2): lib/kpl-deagg.js, the de-aggregator, and lib/common.js, the
 * KPL's `AggregatedRecord` protobuf model (loaded with protobufjs).
 */
declare module "aws-kinesis-agg/lib/kpl-deagg.js" {
  /** A user record as the library gives it (`explicitPartitionKey` is the explicit hash key). */
  export interface UserRecord {
    readonly partitionKey: string;
    readonly explicitPartitionKey?: string;
    /** Absent when the record was not an aggregate (then it is the record itself). */
    readonly subSequenceNumber?: number;
    /** Base64. */
    readonly data: string;
  }
  const deagg: {
    /** Calls back synchronously: once per error, then once with every user record. */
    deaggregateSync(
      record: { readonly data: string; readonly sequenceNumber: string },
      computeChecksums: boolean,
      afterRecord: (error: Error | null | undefined, records?: ReadonlyArray<UserRecord>) => void,
    ): void;
  };
  export default deagg;
}

declare module "aws-kinesis-agg/lib/common.js" {
  /** One user record of the aggregate: fields present in the message are own properties. */
  export interface AggregatedUserRecord {
    readonly partition_key_index: unknown;
    readonly explicit_hash_key_index?: unknown;
  }
  /** The decoded `AggregatedRecord` message. */
  export interface AggregatedRecordMessage {
    readonly explicit_hash_key_table: ReadonlyArray<string>;
    readonly records: ReadonlyArray<AggregatedUserRecord>;
  }
  const common: {
    readonly AggregatedRecord: { decode(bytes: Uint8Array): AggregatedRecordMessage };
  };
  export default common;
}
