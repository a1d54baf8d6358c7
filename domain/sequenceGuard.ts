import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  itemSize,
  type KeySchema,
} from "./attributeValue.js";
import { normalizeNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The pure half of sequence-guarded replication (standard SQS queues reorder and redeliver):
 * a version table remembers, per replica key, the highest stream sequence number applied, and
 * each command is written in a transaction with its version item, refused when not newer.
 *
 * Version item: `{ pk: S (digest of table + key, computed by the adapter), seq: S (48 digits,
 * zero-padded: string order = numeric order) }`, kept for good by default: a stale command can
 * come back whenever the queue setup redelivers it (a dead-letter redrive restarts a message's
 * retention), and a version item gone by then would let it resurrect a deleted item. One small
 * item (~120 bytes) per key ever written is the cost; `expiresAt: N` (TTL, epoch seconds) is only
 * written when the adapter is given an explicit lifetime.
 */

/** Digits of a padded sequence number (DynamoDB stream sequence numbers have 21 to 40). */
export const SEQUENCE_DIGITS = 48;

/** Commands per transaction: two actions each (version put + replica write), 100 at most. */
export const MAX_GUARDED_COMMANDS = 50;

/** TransactWriteItems' limit on the aggregate size of the items written. */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** Key schema of the version table. */
export const versionTableSchema: KeySchema = { partitionKey: "pk" };

/** Actions per command in a guarded transaction: [version put, replica write]. */
export const ACTIONS_PER_COMMAND = 2;

/**
 * A sequence number left-padded with zeros to {@link SEQUENCE_DIGITS}, or `undefined` when it is
 * not a decimal number or has more significant digits than that.
 * @example padSequence("10") // "000…0010" (48 characters)
 */
export const padSequence = (seq: string): string | undefined => {
  if (!/^\d+$/.test(seq)) return undefined;
  const digits = seq.replace(/^0+(?=\d)/, "");
  return digits.length > SEQUENCE_DIGITS ? undefined : digits.padStart(SEQUENCE_DIGITS, "0");
};

const normalizeKey = (key: AttributeMap): AttributeMap =>
  Object.fromEntries(
    Object.entries(key).map(([name, v]): [string, AttributeValue] => [
      name,
      "N" in v ? { N: normalizeNumber(v.N) } : v,
    ]),
  );

/**
 * The text whose digest is a version item's `pk`: the replica table and the key in canonical
 * form (numbers normalized), so one version table can serve several replicas.
 * @example versionKeyText("replica", { id: { N: "1.0" } }) // '["replica","[[\\"id\\",{\\"N\\":\\"1\\"}]]"]'
 */
export const versionKeyText = (table: string, key: AttributeMap): string =>
  JSON.stringify([table, canonicalKey(normalizeKey(key))]);

/**
 * The version item recording that `paddedSeq` was applied to the key digested as `pk`: no expiry
 * unless `expiresAt` (epoch seconds, for a TTL on `expiresAt`) is given.
 * @example versionItem("ab12…", padSequence("7") ?? "")
 * // { pk: { S: "ab12…" }, seq: { S: "0…07" } }
 */
export const versionItem = (pk: string, paddedSeq: string, expiresAt?: number): AttributeMap => ({
  pk: { S: pk },
  seq: { S: paddedSeq },
  ...(expiresAt === undefined ? {} : { expiresAt: { N: String(expiresAt) } }),
});

/**
 * The guard's condition, `attribute_not_exists(pk) OR seq < :seq`, evaluated on the stored
 * version item (a missing or non-string `seq` compares false, as in DynamoDB).
 * @example isNewerThanStored(undefined, padSequence("1") ?? "") // true
 */
export const isNewerThanStored = (stored: AttributeMap | undefined, paddedSeq: string): boolean => {
  if (stored === undefined) return true;
  const current = stored.seq;
  return current !== undefined && "S" in current && current.S < paddedSeq;
};

/** A command with a sequence number, ready for a guarded transaction. */
export interface GuardedWrite {
  readonly command: WriteCommand;
  /** The version item's key (digest of {@link versionKeyText}). */
  readonly versionKey: string;
  /** The command's `seq`, padded by {@link padSequence}. */
  readonly seq: string;
}

/** How {@link splitBySequence} sorts the commands of one write. */
export interface SequenceSplit {
  /** Commands without `seq` (CSV rows, bare images): written as they are. */
  readonly unguarded: ReadonlyArray<WriteCommand>;
  readonly guarded: ReadonlyArray<GuardedWrite>;
  /** Commands whose `seq` cannot be padded: they can never be applied in order. */
  readonly invalid: ReadonlyArray<{
    readonly command: WriteCommand;
    readonly error: InvalidRecord;
  }>;
}

/**
 * Sorts commands into unguarded (no `seq`), guarded (with their version key) and invalid.
 * @example splitBySequence(commands, (key) => sha256(versionKeyText("replica", key)))
 */
export const splitBySequence = (
  commands: ReadonlyArray<WriteCommand>,
  versionKeyOf: (key: AttributeMap) => string,
): SequenceSplit => {
  const unguarded: WriteCommand[] = [];
  const guarded: GuardedWrite[] = [];
  const invalid: { command: WriteCommand; error: InvalidRecord }[] = [];
  for (const command of commands) {
    if (command.seq === undefined) {
      unguarded.push(command);
      continue;
    }
    const seq = padSequence(command.seq);
    if (seq === undefined)
      invalid.push({
        command,
        error: invalidRecord(
          command.source,
          "seq",
          `expected a decimal sequence number of at most ${SEQUENCE_DIGITS} digits`,
        ),
      });
    else guarded.push({ command, versionKey: versionKeyOf(command.key), seq });
  }
  return { unguarded, guarded, invalid };
};

const VERSION_ITEM_BYTES = itemSize(
  versionItem("f".repeat(64), "9".repeat(SEQUENCE_DIGITS), 999_999_999_999),
);

/**
 * Bytes a guarded command adds to a transaction: its replica item (or key) and its version item.
 * @example guardedWriteBytes(write) // itemSize(write.command.item) + the version item's size
 */
export const guardedWriteBytes = (write: GuardedWrite): number =>
  itemSize(write.command.op === "put" ? write.command.item : write.command.key) +
  VERSION_ITEM_BYTES;

/**
 * Groups guarded writes into transactions: at most `maxCommands` each, at most
 * {@link MAX_TRANSACTION_BYTES} each, and never two writes of one key in a transaction (a second
 * command for a key goes to a later transaction; the guard orders them anyway). First fit, so
 * writes keep their relative order inside a transaction.
 * @example planGuardedTransactions(split.guarded).length // Math.ceil(n / 50) for distinct small items
 */
export const planGuardedTransactions = (
  writes: ReadonlyArray<GuardedWrite>,
  maxCommands: number = MAX_GUARDED_COMMANDS,
): ReadonlyArray<ReadonlyArray<GuardedWrite>> => {
  const plans: { writes: GuardedWrite[]; keys: Set<string>; bytes: number }[] = [];
  for (const write of writes) {
    const bytes = guardedWriteBytes(write);
    const fits = plans.find(
      (plan) =>
        plan.writes.length < maxCommands &&
        !plan.keys.has(write.versionKey) &&
        plan.bytes + bytes <= MAX_TRANSACTION_BYTES,
    );
    if (fits === undefined)
      plans.push({ writes: [write], keys: new Set([write.versionKey]), bytes });
    else {
      fits.writes.push(write);
      fits.keys.add(write.versionKey);
      fits.bytes += bytes;
    }
  }
  return plans.map((plan) => plan.writes);
};

/** What a cancelled guarded transaction says about each of its writes. */
export interface CancellationVerdict<W> {
  /** Version condition failed: a command as new or newer was applied. Done, nothing to write. */
  readonly stale: ReadonlyArray<W>;
  /** An action of theirs was refused as invalid (`ValidationError`). */
  readonly invalid: ReadonlyArray<W>;
  /** Neither: to be written again in a new transaction. */
  readonly retry: ReadonlyArray<W>;
  /** Whether some reason calls for a backoff (conflict, throttling, unknown or no reasons). */
  readonly transient: boolean;
}

/**
 * Reads the cancellation reasons of a guarded transaction (one code per action, actions laid
 * out as [version put, replica write] per write): `ConditionalCheckFailed` on a version put
 * marks its write stale, `ValidationError` marks it invalid, `None` means nothing, any other
 * code (TransactionConflict, ThrottlingError, …) or a cancellation naming no write is transient.
 * @example readCancellation([w1, w2], ["ConditionalCheckFailed", "None", "None", "None"]).stale // [w1]
 */
export const readCancellation = <W>(
  writes: ReadonlyArray<W>,
  reasons: ReadonlyArray<string | undefined>,
): CancellationVerdict<W> => {
  const stale: W[] = [];
  const invalid: W[] = [];
  const retry: W[] = [];
  let transient = false;
  writes.forEach((write, i) => {
    const version = reasons[i * ACTIONS_PER_COMMAND] ?? "None";
    const replica = reasons[i * ACTIONS_PER_COMMAND + 1] ?? "None";
    if (version === "ConditionalCheckFailed") stale.push(write);
    else if (version === "ValidationError" || replica === "ValidationError") invalid.push(write);
    else {
      retry.push(write);
      if (version !== "None" || replica !== "None") transient = true;
    }
  });
  return {
    stale,
    invalid,
    retry,
    transient: transient || (stale.length === 0 && invalid.length === 0),
  };
};
