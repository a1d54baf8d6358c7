import { coalesce, type Delta, type RecordDeltas } from "./aggregateDeltas.js";
import { canonicalKey } from "./attributeValue.js";

/**
 * Marker mode's unit of exactly-once application: the coalesced deltas of some consecutive
 * stream records plus one marker per record, written in ONE transaction refused if any marker
 * exists.
 */
export interface AggregateChunk {
  /** Stream eventIDs of the records applied by this chunk (one marker item each). */
  readonly markers: ReadonlyArray<string>;
  /** Coalesced, non-zero deltas (at most one per total). */
  readonly updates: ReadonlyArray<Delta>;
  /** Sequence number of the chunk's first record: where Lambda must resume if it fails. */
  readonly firstSequenceNumber: string;
}

/** TransactWriteItems' limit on actions. Its 4 MB limit cannot be reached: keys are ≤ 3 KB. */
export const MAX_TRANSACTION_ACTIONS = 100;

/**
 * Groups records, in stream order, into chunks of at most `maxActions` transaction actions
 * (one per distinct total, plus one per marker), never splitting a record. Records without
 * deltas need no marker (applying them twice changes nothing) and are left out.
 * @example planChunks(records).map(chunkOf)
 */
export const planChunks = (
  records: ReadonlyArray<RecordDeltas>,
  maxActions: number = MAX_TRANSACTION_ACTIONS,
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
    if (members.length > 0 && members.length + 1 + keys.size + new Set(fresh).size > maxActions)
      close();
    members.push(record);
    for (const id of record.deltas.map((d) => canonicalKey(d.key))) keys.add(id);
  }
  close();
  return chunks;
};

/**
 * The chunk for these records (in order): their coalesced deltas and their markers.
 * @example chunkOf(records.filter((r) => !applied.has(r.eventId)))
 */
export const chunkOf = (records: ReadonlyArray<RecordDeltas>): AggregateChunk => ({
  markers: records.map((record) => record.eventId),
  updates: coalesce(records.flatMap((record) => record.deltas)),
  firstSequenceNumber: records[0]?.sequenceNumber ?? "",
});
