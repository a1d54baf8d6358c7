import type { Delta, RecordDeltas } from "./aggregateDeltas.js";
import { paddedSequence } from "./aggregateWatermark.js";
import { type AttributeMap, canonicalKey } from "./attributeValue.js";
import { addNumbers, isZeroNumber } from "./decimal.js";

/**
 * How a marker transaction's update of one total keeps out records a watermark write already
 * applied to it (domain/regimeStamps.ts): the update is refused, and the refusal names the
 * total's item, when
 * - `ShardWatermarkAtOrPast`: the batch's shard is known and its watermark on the total is at or
 *   past `first` (the padded sequence number of the chunk's first record on that total);
 * - `RecentWatermarkWrite`: the shard is unknown and a watermark write of the aggregation wrote
 *   the total in the last 48 hours;
 * - `WatermarkStampChanged`: the shard is unknown, the watermarks seen on the total cover none of
 *   the chunk's records, and a watermark write stamped it since (`stamp`: the stamp seen, or none);
 * - `None`: nothing (records whose sequence numbers no watermark can hold).
 */
export type WatermarkGuard =
  | { readonly _tag: "ShardWatermarkAtOrPast"; readonly shardId: string; readonly first: string }
  | { readonly _tag: "RecentWatermarkWrite" }
  | { readonly _tag: "WatermarkStampChanged"; readonly stamp: string | undefined }
  | { readonly _tag: "None" };

/** One total's update in a marker transaction: the chunk's coalesced delta and its guard. */
export interface ChunkUpdate extends Delta {
  readonly guard: WatermarkGuard;
}

/**
 * Marker mode's unit of exactly-once application: the coalesced deltas of some consecutive
 * stream records plus one marker per record, written in ONE transaction refused if any marker
 * exists or any update's guard refuses.
 */
export interface AggregateChunk {
  /** Stream eventIDs of the records applied by this chunk (one marker item each). */
  readonly markers: ReadonlyArray<string>;
  /** Coalesced, non-zero deltas (at most one per total), each with its guard. */
  readonly updates: ReadonlyArray<ChunkUpdate>;
  /** Sequence number of the chunk's first record: where Lambda must resume if it fails. */
  readonly firstSequenceNumber: string;
}

/**
 * What decides a chunk's updates beyond the records' deltas: the (record, total) pairs a watermark
 * already covers (left out), and each total's guard from its key and the lowest padded sequence
 * number of the chunk's records on it (undefined when one of those records has no sequence
 * number a watermark can hold).
 */
export interface ChunkPlan {
  readonly covered: (eventId: string, key: AttributeMap) => boolean;
  readonly guardOf: (key: AttributeMap, first: string | undefined) => WatermarkGuard;
}

const UNGUARDED: ChunkPlan = { covered: () => false, guardOf: () => ({ _tag: "None" }) };

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
 * The chunk for these records (in order): their coalesced deltas (the pairs `plan` says are
 * covered left out), each total guarded as `plan` says, and their markers.
 * @example chunkOf(records.filter((r) => !applied.has(r.eventId)), plan)
 */
export const chunkOf = (
  records: ReadonlyArray<RecordDeltas>,
  plan: ChunkPlan = UNGUARDED,
): AggregateChunk => {
  const totals = new Map<
    string,
    { key: AttributeMap; amount: string; first: string | undefined }
  >();
  for (const record of records)
    for (const delta of record.deltas) {
      if (plan.covered(record.eventId, delta.key)) continue;
      const id = canonicalKey(delta.key);
      const padded = paddedSequence(record.sequenceNumber);
      const total = totals.get(id);
      if (total === undefined)
        totals.set(id, { key: delta.key, amount: delta.amount, first: padded });
      else {
        total.amount = addNumbers(total.amount, delta.amount);
        if (padded === undefined || total.first === undefined) total.first = undefined;
        else if (padded < total.first) total.first = padded;
      }
    }
  // A total whose records cancel out is still written when guarded: some of them may have been
  // applied by a watermark write, which only its guard can tell.
  const updates = [...totals.values()].flatMap(({ key, amount, first }): ChunkUpdate[] => {
    const guard = plan.guardOf(key, first);
    return guard._tag === "None" && isZeroNumber(amount) ? [] : [{ key, amount, guard }];
  });
  return {
    markers: records.map((record) => record.eventId),
    updates,
    firstSequenceNumber: records[0]?.sequenceNumber ?? "",
  };
};
