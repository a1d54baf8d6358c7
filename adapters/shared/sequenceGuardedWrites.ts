import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import {
  ACTIONS_PER_COMMAND,
  type GuardedWrite,
  planGuardedTransactions,
  readCancellation,
  splitBySequence,
  versionKeyText,
} from "../../domain/sequenceGuard.js";
import { secondSourceReason } from "../../domain/streamOrigin.js";
import { refusalOf } from "../../domain/versionItem.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { FailedWrite, TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { type RetryEnv, withRetries } from "./retry.js";

/** How to build a sequence-guarded table writer (in memory or on DynamoDB). */
export interface SequenceGuardOptions {
  /** The replica table. */
  readonly table: string;
  /** The version table (key `pk` S). */
  readonly versionTable: string;
  /**
   * Lifetime of a version item, in seconds; none by default (kept for good). Only set it longer
   * than any redelivery your queue allows (retention, plus every dead-letter redrive), and enable
   * TTL on `expiresAt`: a command older than its key's version item would otherwise be applied.
   */
  readonly versionTtlSeconds?: number;
  /** Writer for commands without `seq`; defaults to the plain writer of the same technology. */
  readonly inner?: TableWriter;
  /** Epoch milliseconds, for `versionTtlSeconds`; `Date.now` by default. */
  readonly clock?: () => number;
  readonly retry?: RetryEnv;
}

/** What one guarded TransactWriteItems call did. */
export type TransactOutcome =
  | { readonly _tag: "Applied" }
  /**
   * Cancelled: one reason code per action (`None`, `ConditionalCheckFailed`, …), messages, and
   * the item a refused version put found (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
   */
  | {
      readonly _tag: "Cancelled";
      readonly reasons: ReadonlyArray<string | undefined>;
      readonly messages?: ReadonlyArray<string | undefined>;
      readonly items?: ReadonlyArray<AttributeMap | undefined>;
    }
  | { readonly _tag: "Failed"; readonly error: PipelineError };

/** What {@link writeSequenceGuarded} needs from an adapter. */
export interface SequenceGuardedWrites {
  readonly table: string;
  readonly inner: TableWriter;
  readonly retry: RetryEnv;
  /** One TransactWriteItems of [version put, replica write] per write, errors mapped. */
  readonly transact: (writes: ReadonlyArray<GuardedWrite>) => Promise<TransactOutcome>;
}

/**
 * The `pk` of a key's version item: SHA-256 (hex) of the replica table and the canonical key.
 * @example versionKeyOf("replica", { id: { S: "a" } }) // 64 hex digits
 */
export const versionKeyOf = (table: string, key: AttributeMap): string =>
  createHash("sha256").update(versionKeyText(table, key), "utf8").digest("hex");

type Settled = E.Either<PipelineError, ReadonlyArray<FailedWrite>>;

const invalidOf = (write: GuardedWrite, reason: string, field = "$"): FailedWrite => ({
  command: write.command,
  error: invalidRecord(write.command.source, field, reason),
});

/**
 * Writes one planned transaction until every write is applied or stale. A cancellation drops
 * the stale writes (a newer command was applied: they are done, added to `stale`), the invalid
 * ones and those of a second source table (the key's version item names another source table:
 * invalid, field `stream`), and writes the rest again at once; transient errors are retried with backoff
 * until the deadline. A ValidationException for the whole transaction is isolated by writing
 * one command at a time.
 */
const writeTransaction = async (
  deps: SequenceGuardedWrites,
  writes: ReadonlyArray<GuardedWrite>,
  deadline: Deadline,
  stale: WriteCommand[],
): Promise<Settled> => {
  let pending = writes;
  const failed: FailedWrite[] = [];
  const attempt = async (): Promise<PipelineError | undefined> => {
    while (pending.length > 0) {
      const outcome = await deps.transact(pending);
      if (outcome._tag === "Applied") pending = [];
      else if (outcome._tag === "Failed") return outcome.error;
      else {
        const verdict = readCancellation(pending, outcome.reasons);
        for (const write of verdict.stale) {
          const stored = outcome.items?.[pending.indexOf(write) * ACTIONS_PER_COMMAND];
          const refusal = refusalOf(stored, write.version);
          if (refusal.kind === "stale") stale.push(write.command);
          else
            failed.push(
              invalidOf(
                write,
                secondSourceReason(refusal.stored, write.version.origin?.table ?? "?"),
                "stream",
              ),
            );
        }
        for (const write of verdict.invalid) {
          const index = pending.indexOf(write) * ACTIONS_PER_COMMAND;
          const message = outcome.messages?.[index] ?? outcome.messages?.[index + 1];
          failed.push(invalidOf(write, message ?? "refused by TransactWriteItems"));
        }
        pending = verdict.retry;
        if (verdict.transient)
          return transient(
            "TransactWriteItems",
            `transaction cancelled (${outcome.reasons.join(", ") || "no reasons"})`,
          );
      }
    }
    return undefined;
  };
  let lastError: PipelineError | undefined;
  await withRetries(
    async () => {
      lastError = await attempt();
      return lastError;
    },
    (error) => error === undefined || error._tag !== "Transient",
    deadline,
    deps.retry,
  );
  if (lastError === undefined) return E.right(failed);
  if (lastError._tag === "Configuration") return E.left(lastError);
  if (lastError._tag === "Transient") {
    const error = lastError;
    return E.right([...failed, ...pending.map(({ command }) => ({ command, error }))]);
  }
  if (pending.length === 1) {
    const [write] = pending as [GuardedWrite];
    return E.right([
      ...failed,
      { command: write.command, error: { ...lastError, recordId: write.command.source } },
    ]);
  }
  for (const write of pending) {
    const alone = await writeTransaction(deps, [write], deadline, stale);
    if (E.isLeft(alone)) return alone;
    failed.push(...alone.right);
  }
  return E.right(failed);
};

/**
 * {@link TableWriter.write} with a sequence guard, shared by the in-memory and DynamoDB adapters:
 * commands with `seq` are written in transactions of up to 50 (each with its version item,
 * refused unless its `seq` is newer than the key's applied one); stale commands count as done
 * (listed in the report's `stale`);
 * commands without `seq` go to `deps.inner` unchanged. A `Configuration` error is returned as a
 * whole; every other failure is listed per command in the report.
 *
 * @example
 * readonly write = (commands, deadline) => writeSequenceGuarded(this.deps, commands, deadline);
 */
export const writeSequenceGuarded =
  (
    deps: SequenceGuardedWrites,
    commands: ReadonlyArray<WriteCommand>,
    deadline: Deadline,
  ): TE.TaskEither<PipelineError, WriteReport> =>
  async () => {
    const split = splitBySequence(commands, (key) => versionKeyOf(deps.table, key));
    const failed: FailedWrite[] = [...split.invalid];
    const stale: WriteCommand[] = [];
    for (const writes of planGuardedTransactions(split.guarded)) {
      const settled = await writeTransaction(deps, writes, deadline, stale);
      if (E.isLeft(settled)) return settled;
      failed.push(...settled.right);
    }
    if (split.unguarded.length > 0) {
      const inner = await deps.inner.write(split.unguarded, deadline)();
      if (E.isLeft(inner)) return inner;
      failed.push(...inner.right.failed);
    }
    return E.right({ failed, ...(stale.length > 0 ? { stale } : {}) });
  };
