import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  itemSize,
  type KeySchema,
} from "./attributeValue.js";
import { normalizeNumber } from "./decimal.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import { streamOriginOf } from "./streamOrigin.js";
import { type CommandVersion, versionItem } from "./versionItem.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The pure half of sequence-guarded replication: a standard SQS queue reorders and redelivers,
 * and on any queue a dead-letter redrive replays a change after newer ones. A version table
 * remembers, per replica key, the version of the last command applied (domain/versionItem.ts:
 * its source table and stream label when it came from a DynamoDB stream, and its sequence
 * number), and each command is written in a transaction with its version item, refused when not
 * newer.
 *
 * Version items (`pk`: digest of table + key, computed by the adapter) are kept for good by
 * default: a stale command can come back whenever the queue setup redelivers it (a dead-letter
 * redrive restarts a message's retention), and a version item gone by then would let it
 * resurrect a deleted item. One small item (~250 bytes) per key ever written is the cost;
 * `expiresAt: N` (TTL, epoch seconds) is only written when the adapter is given an explicit
 * lifetime.
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

/** A command with a sequence number, ready for a guarded transaction. */
export interface GuardedWrite {
  readonly command: WriteCommand;
  /** The version item's key (digest of {@link versionKeyText}). */
  readonly versionKey: string;
  /** The command's `seq` padded by {@link padSequence}, and its stream's origin. */
  readonly version: CommandVersion;
}

/** How {@link splitBySequence} sorts the commands of one write. */
export interface SequenceSplit {
  /** Commands without `seq` (bare images): written as they are. */
  readonly unguarded: ReadonlyArray<WriteCommand>;
  readonly guarded: ReadonlyArray<GuardedWrite>;
  /** Commands whose `seq` cannot be padded: they can never be applied in order. */
  readonly invalid: ReadonlyArray<{
    readonly command: WriteCommand;
    readonly error: InvalidRecord;
  }>;
}

/**
 * Sorts commands into unguarded (no `seq`), guarded (with their version key and version) and
 * invalid (a `seq` too long to pad, a `stream` that is not a DynamoDB stream ARN).
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
    const origin = command.stream === undefined ? undefined : streamOriginOf(command.stream);
    if (seq === undefined)
      invalid.push({
        command,
        error: invalidRecord(
          command.source,
          "seq",
          `expected a decimal sequence number of at most ${SEQUENCE_DIGITS} digits`,
        ),
      });
    else if (command.stream !== undefined && origin === undefined)
      invalid.push({
        command,
        error: invalidRecord(command.source, "stream", "expected a DynamoDB stream ARN"),
      });
    else
      guarded.push({
        command,
        versionKey: versionKeyOf(command.key),
        version: origin === undefined ? { seq } : { seq, origin },
      });
  }
  return { unguarded, guarded, invalid };
};

/** The largest version item: the longest partition, region, account and table name. */
const VERSION_ITEM_BYTES = itemSize(
  versionItem(
    "f".repeat(64),
    {
      seq: "9".repeat(SEQUENCE_DIGITS),
      origin: {
        table: `arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/${"t".repeat(255)}`,
        label: "2026-11-30T00:00:00.000",
      },
    },
    999_999_999_999,
  ),
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
