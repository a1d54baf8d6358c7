import { coalesce, type Delta, type RecordDeltas } from "./aggregateDeltas.js";
import { paddedSequence } from "./aggregateWatermark.js";
import { canonicalKey } from "./attributeValue.js";

/**
 * A unit of exactly-once application: the coalesced deltas of some consecutive stream records
 * plus either one marker per record (refused if any marker exists) or, in watermark mode, the
 * shard's watermark moved to the last record (refused unless it is below the first), written in
 * ONE transaction.
 */
export interface AggregateChunk {
  /** Marker mode: stream eventIDs of the records applied by this chunk (one marker item each). */
  readonly markers: ReadonlyArray<string>;
  /** Watermark mode (then no markers): the shard, and its first and last sequence numbers, padded. */
  readonly watermark?: WatermarkMove;
  /** Coalesced, non-zero deltas (at most one per total). */
  readonly updates: ReadonlyArray<Delta>;
  /** Sequence number of the chunk's first record: where Lambda must resume if it fails. */
  readonly firstSequenceNumber: string;
}

/** A chunk's move of its shard's watermark: from below `first` to `last` (both padded to 40 digits). */
export interface WatermarkMove {
  readonly shardId: string;
  readonly first: string;
  readonly last: string;
}

/** TransactWriteItems' limit on actions. Its 4 MB limit cannot be reached: keys are ≤ 3 KB. */
export const MAX_TRANSACTION_ACTIONS = 100;

/**
 * Groups records, in stream order, into chunks of at most `maxActions` transaction actions
 * (one per distinct total, plus one per marker, or one watermark when `perRecordMarkers` is
 * false), never splitting a record. Records without deltas need no marker (applying them twice
 * changes nothing) and are left out.
 * @example planChunks(records).map((group) => chunkOf(group))
 */
export const planChunks = (
  records: ReadonlyArray<RecordDeltas>,
  maxActions: number = MAX_TRANSACTION_ACTIONS,
  perRecordMarkers = true,
): ReadonlyArray<ReadonlyArray<RecordDeltas>> => {
  const chunks: RecordDeltas[][] = [];
  let members: RecordDeltas[] = [];
  let keys = new Set<string>();
  const close = () => {
    if (members.length === 0) return;
    chunks.push(members);
    members = [];
    keys = new Set();
  };
  for (const record of records) {
    if (record.deltas.length === 0) continue;
    const fresh = record.deltas.map((d) => canonicalKey(d.key)).filter((id) => !keys.has(id));
    const bookkeeping = perRecordMarkers ? members.length + 1 : 1;
    if (members.length > 0 && bookkeeping + keys.size + new Set(fresh).size > maxActions) close();
    members.push(record);
    for (const id of record.deltas.map((d) => canonicalKey(d.key))) keys.add(id);
  }
  close();
  return chunks;
};

/**
 * The chunk for these records (in order): their coalesced deltas and their markers or, given
 * the shard they come from (sequence numbers of 1 to 40 digits, increasing), the watermark move.
 * @example chunkOf(records.filter((r) => !applied.has(r.eventId)))
 */
export const chunkOf = (records: ReadonlyArray<RecordDeltas>, shardId?: string): AggregateChunk => {
  const updates = coalesce(records.flatMap((record) => record.deltas));
  const firstSequenceNumber = records[0]?.sequenceNumber ?? "";
  const first = paddedSequence(firstSequenceNumber);
  const last = paddedSequence(records[records.length - 1]?.sequenceNumber ?? "");
  if (shardId === undefined || first === undefined || last === undefined)
    return { markers: records.map((record) => record.eventId), updates, firstSequenceNumber };
  return { markers: [], watermark: { shardId, first, last }, updates, firstSequenceNumber };
};
