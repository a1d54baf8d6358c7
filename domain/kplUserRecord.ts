/**
 * One user record of a KPL-aggregated Kinesis record (the Kinesis Producer Library packs many
 * user records into one Kinesis record: magic bytes F3 89 9A C2, a protobuf `AggregatedRecord`,
 * then the MD5 of the protobuf).
 * @example const user: KplUserRecord = { subSequenceNumber: 0, partitionKey: "abc", data: "YWJj" };
 */
export interface KplUserRecord {
  /** Its position in the aggregated record, from 0. */
  readonly subSequenceNumber: number;
  /** The partition key the producer gave this user record. */
  readonly partitionKey: string;
  /** The explicit hash key the producer gave it, if any. */
  readonly explicitHashKey?: string;
  /** Its payload, base64 (as Lambda delivers `kinesis.data`). */
  readonly data: string;
}

/**
 * Splits a Kinesis payload (base64) into its user records when it is a valid KPL aggregate;
 * `undefined` when it is not one (no magic bytes, or a protobuf or checksum that does not match:
 * like the KCL, such a record is an ordinary record). Supplied by an adapter
 * (adapters/kpl/deaggregateKpl.ts).
 * @example const none: Deaggregate = () => undefined; // never de-aggregates
 */
export type Deaggregate = (data: string) => ReadonlyArray<KplUserRecord> | undefined;

/**
 * The de-aggregator that finds no aggregate: every record is one event.
 * @example notAggregated("eyJhIjoxfQ==") // undefined
 */
export const notAggregated: Deaggregate = () => undefined;
