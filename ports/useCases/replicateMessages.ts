import * as E from "fp-ts/lib/Either.js";
import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError } from "../../domain/errors.js";
import { decodeMessage } from "../../domain/messageBody.js";
import { REPLAY_ATTRIBUTE } from "../../domain/redrivePlan.js";
import { secondSourceReason, streamOriginOf } from "../../domain/streamOrigin.js";
import { lastPerKey, sourceConflicts, type WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter } from "../tableWriter.js";
import type { BatchReport, DecodedBatch, IndexedFailure, IndexedReject } from "./batchReport.js";

/**
 * A queue message as the replica reads it: its id (names it in rejects) and its body (see
 * domain/messageBody.ts).
 * @example const message: QueueMessage = { messageId: "m-1", body: '{"v":1,"commands":[]}' };
 */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** Sent by a redrive (a dead letter or a reject replayed): it may be older than the table. */
  readonly replayed?: boolean;
}

/**
 * How {@link replicateMessages} treats a replayed message ({@link QueueMessage.replayed}) whose
 * commands carry a sequence number: `apply` it (the table writer orders commands by version:
 * a sequence-guarded writer), or `refuse` it whole, before any write (a plain writer would apply
 * it after the newer changes of its items applied since it was dead-lettered).
 * @example const policy: ReplayPolicy = versionTable === undefined ? "refuse" : "apply";
 */
export type ReplayPolicy = "apply" | "refuse";

/** Why a replay is refused under the `refuse` {@link ReplayPolicy}. */
const UNORDERED_REPLAY =
  "a replayed message (redrive) whose commands carry a sequence number, into a table writer that does not order them (no VERSION_TABLE): it may be older than changes of its items applied since it was dead-lettered, and would overwrite them. Set VERSION_TABLE to replay safely (it orders changes applied from then on), or copy the items from the source table (copy-table) and discard this message";

/**
 * What {@link replicateMessages} did: failed messages are delivered again; `unreadable` lists the
 * messages rejected before any write (unreadable, undecodable, or a refused replay): done, and on
 * FIFO queues they never block their group (they may not even have one).
 * @example const report: ReplicationReport = { failed: [], rejected: [], unreadable: [] };
 */
export interface ReplicationReport extends BatchReport {
  readonly unreadable: ReadonlyArray<number>;
  /**
   * Messages found already applied: each of their commands that was written was stale (the
   * table held its version or a newer one, as a sequence-guarded writer reports), none failed.
   */
  readonly skipped?: ReadonlyArray<number>;
}

/**
 * Applies a batch of queue messages to the replica table. Decodes every message with the table's
 * key schema, reduces all commands of the batch to the last one per key (`lastPerKey`: newest
 * stream label and `seq` when commands carry one, else delivery order; a command outranked by
 * another source table's change of the same key is rejected, `sourceConflicts`), writes them with ONE
 * {@link TableWriter.write}, and maps failed commands back to their messages: a message fails when
 * one of its commands failed transiently (or the whole write did); a message whose only commands
 * were superseded by a newer command of the same key is done. Puts are keyed by the table's key
 * schema (domain/messageBody.ts `decodeMessage`). Unreadable messages (listed in `unreadable`),
 * commands that cannot be decoded and commands the table refuses as invalid are rejected ALONE:
 * the other commands of their message are still applied (a refused command's `source` and
 * `key` as `detail`). Under `replays: "refuse"`, a replayed message carrying a sequence number is
 * rejected whole, before any write (listed in `unreadable`). The left is a failure of the whole
 * batch: the key schema could not be read, or the table is misconfigured.
 *
 * @example
 * const report = await replicateMessages(table)([E.right({ messageId: "m-1", body })], deadline)();
 */
export const replicateMessages =
  (table: TableWriter, replays: ReplayPolicy = "apply") =>
  (
    messages: DecodedBatch<QueueMessage>,
    deadline: Deadline,
  ): TaskEither<PipelineError, ReplicationReport> =>
  async () => {
    if (messages.length === 0) return E.right({ failed: [], rejected: [], unreadable: [] });
    const schema = await table.keySchema()();
    if (E.isLeft(schema)) return schema;
    const rejected: IndexedReject[] = [];
    const unreadable: number[] = [];
    const owner = new Map<WriteCommand, number>();
    const commands: WriteCommand[] = [];
    messages.forEach((message, index) => {
      const decoded = E.chain((m: QueueMessage) =>
        decodeMessage(m.messageId, m.body, schema.right),
      )(message);
      if (E.isLeft(decoded)) {
        rejected.push({ index, error: decoded.left });
        unreadable.push(index);
        return;
      }
      const replayed = E.isRight(message) && message.right.replayed === true;
      if (replays === "refuse" && replayed && decoded.right.commands.some(hasSequence)) {
        const { messageId } = (message as E.Right<QueueMessage>).right;
        rejected.push({
          index,
          error: invalidRecord(
            messageId,
            `messageAttributes.${REPLAY_ATTRIBUTE}`,
            UNORDERED_REPLAY,
          ),
        });
        unreadable.push(index);
        return;
      }
      for (const { error, source } of decoded.right.rejected)
        rejected.push({ index, error, ...(source === undefined ? {} : { detail: { source } }) });
      for (const command of decoded.right.commands) {
        owner.set(command, index);
        commands.push(command);
      }
    });
    const winners = lastPerKey(commands);
    // Two source tables' changes of one item: nothing orders them, so the outranked ones are
    // refused loudly rather than dropped as superseded (the guard refuses the rest).
    for (const { command, winner } of sourceConflicts(commands, winners))
      rejected.push({
        index: owner.get(command) ?? -1,
        error: invalidRecord(
          command.source,
          "stream",
          secondSourceReason(winner, streamOriginOf(command.stream ?? "")?.table ?? "?"),
        ),
        detail: { source: command.source, key: command.key },
      });
    if (winners.length === 0) return E.right({ failed: [], rejected, unreadable });
    const report = await table.write(winners, deadline)();
    if (E.isLeft(report)) {
      if (report.left._tag === "Configuration") return report;
      const error = report.left;
      const failed = winners.map((command) => ({ index: owner.get(command) ?? -1, error }));
      return E.right({ failed, rejected, unreadable });
    }
    const failed: IndexedFailure[] = [];
    for (const { command, error } of report.right.failed) {
      const index = owner.get(command) ?? -1;
      if (error._tag === "InvalidRecord")
        rejected.push({ index, error, detail: { source: command.source, key: command.key } });
      else failed.push({ index, error });
    }
    const skipped = alreadyApplied(winners, new Set(report.right.stale ?? []), owner);
    return E.right({ failed, rejected, unreadable, ...(skipped.length > 0 ? { skipped } : {}) });
  };

const hasSequence = (command: WriteCommand): boolean => command.seq !== undefined;

/** The messages whose written commands were all stale, in delivery order. */
const alreadyApplied = (
  winners: ReadonlyArray<WriteCommand>,
  stale: ReadonlySet<WriteCommand>,
  owner: ReadonlyMap<WriteCommand, number>,
): number[] => {
  const fresh = new Set<number>();
  const seen = new Set<number>();
  for (const command of winners) {
    const index = owner.get(command) ?? -1;
    seen.add(index);
    if (!stale.has(command)) fresh.add(index);
  }
  return [...seen].filter((index) => index >= 0 && !fresh.has(index)).sort((a, b) => a - b);
};
