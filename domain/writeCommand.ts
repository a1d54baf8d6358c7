import { type AttributeMap, canonicalKey } from "./attributeValue.js";
import { type StreamOrigin, streamOriginOf } from "./streamOrigin.js";

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
  /**
   * The source stream's ARN (`arn:…:table/<name>/stream/<label>`), when the command comes from a
   * DynamoDB stream: with `seq`, it orders commands across a re-created source table (a later
   * stream label is newer) and names the source table (domain/streamOrigin.ts).
   */
  readonly stream?: string;
}

/** Delete the item with this key. */
export interface DeleteCommand {
  readonly op: "delete";
  readonly key: AttributeMap;
  readonly source: string;
  readonly seq?: string;
  readonly stream?: string;
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

/**
 * Whether `later` is at least as new as `earlier`, two commands of one key: by stream label when
 * both come from one source table's streams (a re-created table's stream is newer, whatever its
 * sequence numbers), else by sequence number; the later one in delivery order when either has
 * none. (Commands of two source tables compare by sequence number only to pick one; queueToTable
 * rejects the other, `sourceConflicts`.)
 * @example supersedes({ …, seq: "5", stream: newStream }, { …, seq: "900", stream: oldStream }) // true
 */
export const supersedes = (later: WriteCommand, earlier: WriteCommand): boolean => {
  if (later.seq === undefined || earlier.seq === undefined) return true;
  const [a, b] = [originOf(later), originOf(earlier)];
  if (a !== undefined && b !== undefined && a.table === b.table && a.label !== b.label)
    return a.label > b.label;
  return compareSequenceNumbers(later.seq, earlier.seq) >= 0;
};

const originOf = (command: WriteCommand): StreamOrigin | undefined =>
  command.stream === undefined ? undefined : streamOriginOf(command.stream);

/**
 * Keeps one command per key: the newest ({@link supersedes}: stream label, then sequence number),
 * or the last one in delivery order when commands carry no sequence number. BatchWriteItem
 * rejects two requests for one key, and only the latest state of an item matters to a replica.
 * Survivors keep their relative order.
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

/**
 * The commands of a batch that another source table's command of the same key outranks: for each
 * key whose commands come from two or more source tables' streams, every command of a table other
 * than the winner's ({@link lastPerKey}). Two tables' changes have no order, so these must be
 * refused loudly, not dropped as superseded. Each with the winner's source table.
 * @example sourceConflicts([euPut, usPut], [usPut]) // [{ command: euPut, winner: "arn:…:table/users-us" }]
 */
export const sourceConflicts = (
  commands: ReadonlyArray<WriteCommand>,
  winners: ReadonlyArray<WriteCommand>,
): ReadonlyArray<{ readonly command: WriteCommand; readonly winner: string }> => {
  const winnerTable = new Map<string, string>();
  for (const command of winners) {
    const table = originOf(command)?.table;
    if (table !== undefined) winnerTable.set(canonicalKey(command.key), table);
  }
  return commands.flatMap((command) => {
    const table = originOf(command)?.table;
    const winner = winnerTable.get(canonicalKey(command.key));
    return table !== undefined && winner !== undefined && table !== winner
      ? [{ command, winner }]
      : [];
  });
};
