import { type AttributeMap, canonicalKey } from "./attributeValue.js";

/** Put a whole item (replaces any previous version of it). */
export interface PutCommand {
  readonly op: "put";
  /**
   * The item's key. Empty (`{}`) only on its way to a table whose key schema the sender does not
   * know (a CSV row without a schema key): it travels without `key` and the reader keys it.
   */
  readonly key: AttributeMap;
  readonly item: AttributeMap;
  /** Where the command came from (stream eventID, `s3://bucket/key#line`, …), for error reports. */
  readonly source: string;
  /** The source stream's SequenceNumber, when the command comes from a stream (orders commands). */
  readonly seq?: string;
}

/** Delete the item with this key. */
export interface DeleteCommand {
  readonly op: "delete";
  readonly key: AttributeMap;
  readonly source: string;
  readonly seq?: string;
}

/** A write a replica or target table must apply. */
export type WriteCommand = PutCommand | DeleteCommand;

/**
 * Compares two stream sequence numbers (decimal strings of any length) numerically.
 * @example compareSequenceNumbers("9", "10") // -1
 */
export const compareSequenceNumbers = (a: string, b: string): number => {
  const x = a.replace(/^0+(?=\d)/, "");
  const y = b.replace(/^0+(?=\d)/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
};

const supersedes = (later: WriteCommand, earlier: WriteCommand): boolean =>
  later.seq === undefined || earlier.seq === undefined
    ? true
    : compareSequenceNumbers(later.seq, earlier.seq) >= 0;

/**
 * Keeps one command per key: the one with the highest sequence number, or the last one in
 * delivery order when commands carry none. BatchWriteItem rejects two requests for one key, and
 * only the latest state of an item matters to a replica. Survivors keep their relative order.
 * @example lastPerKey([put(k, v1), put(k, v2)]) // [put(k, v2)]
 */
export const lastPerKey = <C extends WriteCommand>(
  commands: ReadonlyArray<C>,
): ReadonlyArray<C> => {
  const winner = new Map<string, C>();
  for (const command of commands) {
    const id = canonicalKey(command.key);
    const current = winner.get(id);
    if (current === undefined || supersedes(command, current)) winner.set(id, command);
  }
  const kept = new Set(winner.values());
  return commands.filter((command) => kept.has(command));
};
