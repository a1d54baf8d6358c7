/**
 * Types for the protobuf model that `aws-kinesis-agg` ships (lib/common.js: the KPL's
 * `AggregatedRecord` message, loaded with protobufjs), as deaggregateKpl.ts uses it.
 */
declare module "aws-kinesis-agg/lib/common.js" {
  /** One user record of the aggregate: fields present in the message are own properties. */
  interface AggregatedUserRecord {
    readonly partition_key_index: unknown;
    readonly explicit_hash_key_index?: unknown;
  }
  /** The decoded `AggregatedRecord` message. */
  interface AggregatedRecordMessage {
    readonly explicit_hash_key_table: ReadonlyArray<string>;
    readonly records: ReadonlyArray<AggregatedUserRecord>;
  }
  const common: {
    readonly AggregatedRecord: { decode(bytes: Uint8Array): AggregatedRecordMessage };
  };
  export default common;
}
