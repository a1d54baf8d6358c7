import { createHash } from "node:crypto";
import type { KinesisStreamRecord } from "aws-lambda";
import { InMemoryServiceError } from "./serviceError.js";

/** One shard of a stream and the hash key range it owns (decimal strings, as ListShards gives). */
export interface KinesisShard {
  readonly shardId: string;
  readonly startingHashKey: string;
  readonly endingHashKey: string;
}

/** Where a record landed. */
export interface PutRecordResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** One entry of {@link InMemoryKinesis.putRecords}: its result, or the error code it failed with. */
export type PutRecordsEntryResult =
  | PutRecordResult
  | { readonly errorCode: string; readonly errorMessage: string };

/** A record to put: the payload is text (UTF-8 encoded) or bytes. */
export interface KinesisEntry {
  readonly partitionKey: string;
  readonly data: string | Uint8Array;
}

/**
 * Hook for fault injection: return an exception name to throw it instead of running
 * `operation` (`"PutRecord"`, `"PutRecords"`, `"GetRecords"`). On PutRecords,
 * `"PartialFailure"` fails every other entry with `ProvisionedThroughputExceededException`,
 * as Kinesis reports throttled entries.
 */
export type KinesisFaultHook = (operation: string, stream: string) => string | undefined;

interface StoredShard extends KinesisShard {
  readonly low: bigint;
  readonly high: bigint;
  readonly records: KinesisStreamRecord[];
}

interface Stream {
  readonly arn: string;
  readonly shards: ReadonlyArray<StoredShard>;
}

const HASH_SPACE = 2n ** 128n;
const MAX_PARTITION_KEY = 256;
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_PUT_RECORDS = 500;
const FIRST_SEQUENCE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

const hashKeyOf = (partitionKey: string): bigint =>
  BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);

/**
 * Kinesis Data Streams in memory, faithful where consumers depend on it: records are routed to
 * shards by the MD5 of their partition key over the 128-bit hash key range (split evenly, as
 * CreateStream does), sequence numbers increase (per shard and across the stream), the arrival
 * time comes from the clock passed in, and records read back exactly as Lambda's Kinesis event
 * source delivers them (`eventID` = `shardId:sequenceNumber`, base64 `kinesis.data`).
 *
 * @example
 * const kinesis = new InMemoryKinesis(() => now);
 * kinesis.createStream("EventStream", 1);
 * kinesis.putRecord("EventStream", "1", '{"sensor":"temperature","value":22.5}');
 * const records = kinesis.read("EventStream", "shardId-000000000000", undefined, 100);
 */
export class InMemoryKinesis {
  private readonly streams = new Map<string, Stream>();
  private next = FIRST_SEQUENCE;
  /** Set to inject faults into the next operations. */
  fault: KinesisFaultHook | undefined;

  constructor(private readonly clock: () => number = () => 0) {}

  /** CreateStream with `shardCount` shards splitting the hash key range evenly. */
  createStream(name: string, shardCount: number): void {
    if (this.streams.has(name))
      throw new InMemoryServiceError("ResourceInUseException", `stream ${name} exists`);
    if (!Number.isInteger(shardCount) || shardCount < 1)
      throw new InMemoryServiceError("InvalidArgumentException", "ShardCount must be ≥ 1");
    const count = BigInt(shardCount);
    const shards = Array.from({ length: shardCount }, (_, i): StoredShard => {
      const low = (BigInt(i) * HASH_SPACE) / count;
      const high = (BigInt(i + 1) * HASH_SPACE) / count - 1n;
      return {
        shardId: `shardId-${String(i).padStart(12, "0")}`,
        startingHashKey: low.toString(),
        endingHashKey: high.toString(),
        low,
        high,
        records: [],
      };
    });
    this.streams.set(name, {
      arn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`,
      shards,
    });
  }

  /** The ARN of a stream (the `eventSourceARN` of its records). */
  arn(stream: string): string {
    return this.stream(stream).arn;
  }

  /** ListShards. */
  listShards(stream: string): ReadonlyArray<KinesisShard> {
    return this.stream(stream).shards.map(({ shardId, startingHashKey, endingHashKey }) => ({
      shardId,
      startingHashKey,
      endingHashKey,
    }));
  }

  /** The shard a partition key maps to. */
  shardFor(stream: string, partitionKey: string): string {
    return this.route(this.stream(stream), partitionKey).shardId;
  }

  /** PutRecord. */
  putRecord(stream: string, partitionKey: string, data: string | Uint8Array): PutRecordResult {
    this.injectFault("PutRecord", stream);
    return this.append(this.stream(stream), { partitionKey, data });
  }

  /** PutRecords (≤ 500 entries): one result per entry, in order; failed entries are not stored. */
  putRecords(stream: string, entries: ReadonlyArray<KinesisEntry>): PutRecordsEntryResult[] {
    const fault = this.fault?.("PutRecords", stream);
    if (fault !== undefined && fault !== "PartialFailure")
      throw new InMemoryServiceError(fault, `injected ${fault} on PutRecords`);
    const s = this.stream(stream);
    if (entries.length === 0 || entries.length > MAX_PUT_RECORDS)
      throw new InMemoryServiceError(
        "InvalidArgumentException",
        `PutRecords takes 1 to ${MAX_PUT_RECORDS} records, got ${entries.length}`,
      );
    for (const entry of entries) this.validate(entry);
    return entries.map((entry, index) =>
      fault === "PartialFailure" && index % 2 === 1
        ? {
            errorCode: "ProvisionedThroughputExceededException",
            errorMessage: "Rate exceeded for shard (injected)",
          }
        : this.append(s, entry),
    );
  }

  /**
   * Up to `limit` records of a shard after the given sequence number (from the oldest when
   * `undefined`), shaped as Lambda's `KinesisStreamRecord`.
   */
  read(
    stream: string,
    shardId: string,
    afterSequence: string | undefined,
    limit: number,
  ): ReadonlyArray<KinesisStreamRecord> {
    this.injectFault("GetRecords", stream);
    const shard = this.stream(stream).shards.find((s) => s.shardId === shardId);
    if (shard === undefined)
      throw new InMemoryServiceError(
        "ResourceNotFoundException",
        `shard ${shardId} of stream ${stream} not found`,
      );
    const after = afterSequence === undefined ? -1n : BigInt(afterSequence);
    const start = shard.records.findIndex((r) => BigInt(r.kinesis.sequenceNumber) > after);
    return start < 0 ? [] : shard.records.slice(start, start + limit);
  }

  private append(s: Stream, entry: KinesisEntry): PutRecordResult {
    this.validate(entry);
    const shard = this.route(s, entry.partitionKey);
    const bytes =
      typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : Buffer.from(entry.data);
    const sequenceNumber = (this.next++).toString();
    shard.records.push({
      awsRegion: "us-east-1",
      eventID: `${shard.shardId}:${sequenceNumber}`,
      eventName: "aws:kinesis:record",
      eventSource: "aws:kinesis",
      eventSourceARN: s.arn,
      eventVersion: "1.0",
      invokeIdentityArn: "arn:aws:iam::000000000000:role/lambda-role",
      kinesis: {
        approximateArrivalTimestamp: this.clock() / 1000,
        data: bytes.toString("base64"),
        kinesisSchemaVersion: "1.0",
        partitionKey: entry.partitionKey,
        sequenceNumber,
      },
    });
    return { shardId: shard.shardId, sequenceNumber };
  }

  private validate(entry: KinesisEntry): void {
    const keyLength = [...entry.partitionKey].length;
    if (keyLength < 1 || keyLength > MAX_PARTITION_KEY)
      throw new InMemoryServiceError(
        "ValidationException",
        `partition key must be 1 to ${MAX_PARTITION_KEY} characters, got ${keyLength}`,
      );
    const size =
      Buffer.byteLength(entry.partitionKey, "utf8") +
      (typeof entry.data === "string" ? Buffer.byteLength(entry.data, "utf8") : entry.data.length);
    if (size > MAX_RECORD_BYTES)
      throw new InMemoryServiceError(
        "ValidationException",
        `record of ${size} bytes exceeds the 1 MiB limit`,
      );
  }

  private route(s: Stream, partitionKey: string): StoredShard {
    const hash = hashKeyOf(partitionKey);
    const shard = s.shards.find((candidate) => hash >= candidate.low && hash <= candidate.high);
    if (shard === undefined) throw new Error(`no shard owns hash key ${hash}`);
    return shard;
  }

  private injectFault(operation: string, stream: string): void {
    const fault = this.fault?.(operation, stream);
    if (fault !== undefined)
      throw new InMemoryServiceError(fault, `injected ${fault} on ${operation}`);
  }

  private stream(name: string): Stream {
    const s = this.streams.get(name);
    if (s === undefined)
      throw new InMemoryServiceError(
        "ResourceNotFoundException",
        `Stream ${name} under account 000000000000 not found.`,
      );
    return s;
  }
}
