import type { DynamoDBRecord } from "aws-lambda";
import { type AttributeMap, canonicalKey, itemSize } from "../../../domain/attributeValue.js";
import { fnv1aHex } from "../../../domain/stableHash.js";

/** A stream record exactly as Lambda delivers it in a DynamoDB stream event. */
export type DynamoStreamRecord = DynamoDBRecord;

const FIRST_SEQUENCE = 100_000_000_000_000_000_000n;

const sameItem = (a: AttributeMap, b: AttributeMap): boolean =>
  Object.keys(a).length === Object.keys(b).length &&
  Object.keys(a).every(
    (name) =>
      b[name] !== undefined &&
      canonicalKey({ v: a[name] as never }) === canonicalKey({ v: b[name] as never }),
  );

/**
 * The NEW_AND_OLD_IMAGES stream of an in-memory table: one record per real change (a write
 * that changes nothing emits nothing, as in DynamoDB), with increasing sequence numbers.
 *
 * @example
 * const records = db.stream("orders").read(undefined, 100);
 */
export class InMemoryTableStream {
  private readonly records: DynamoStreamRecord[] = [];
  private next = FIRST_SEQUENCE;
  /** The stream's ARN, as `eventSourceARN` of its records. */
  readonly arn: string;
  /** The stream's one shard (DynamoDB's form: `shardId-` 20 digits, `-`, 8 hex digits). */
  readonly shardId: string;

  constructor(
    private readonly table: string,
    private readonly clock: () => number,
  ) {
    this.arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/1970-01-01T00:00:00.000`;
    this.shardId = `shardId-${"0".repeat(19)}1-${fnv1aHex(table, 0x811c9dc5)}`;
  }

  /** Records the change of one item (called by the table on every write). */
  append(
    keys: AttributeMap,
    oldImage: AttributeMap | undefined,
    newImage: AttributeMap | undefined,
  ): void {
    if (oldImage !== undefined && newImage !== undefined && sameItem(oldImage, newImage)) return;
    const sequence = (this.next++).toString();
    const eventName =
      oldImage === undefined ? "INSERT" : newImage === undefined ? "REMOVE" : "MODIFY";
    const size =
      itemSize(keys) + (oldImage ? itemSize(oldImage) : 0) + (newImage ? itemSize(newImage) : 0);
    this.records.push({
      // Unique across streams, as DynamoDB's eventIDs are.
      eventID: `evt-${this.table}-${sequence.slice(-12)}`,
      eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      eventSourceARN: this.arn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(this.clock() / 1000),
        Keys: keys as never,
        ...(newImage ? { NewImage: newImage as never } : {}),
        ...(oldImage ? { OldImage: oldImage as never } : {}),
        SequenceNumber: sequence,
        SizeBytes: size,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
    });
  }

  /** Up to `limit` records after the given sequence number (from the start when undefined). */
  read(afterSequence: string | undefined, limit: number): ReadonlyArray<DynamoStreamRecord> {
    const after = afterSequence === undefined ? 0n : BigInt(afterSequence);
    const start = this.records.findIndex((r) => BigInt(r.dynamodb?.SequenceNumber ?? "0") > after);
    return start < 0 ? [] : this.records.slice(start, start + limit);
  }

  /** Up to `limit` records from the one with this sequence number on; none when it is not one. */
  readAt(sequence: string, limit: number): ReadonlyArray<DynamoStreamRecord> {
    const start = this.records.findIndex((r) => r.dynamodb?.SequenceNumber === sequence);
    return start < 0 ? [] : this.records.slice(start, start + limit);
  }

  /** Every record so far. */
  all(): ReadonlyArray<DynamoStreamRecord> {
    return this.records;
  }
}
