import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import type { Deadline } from "../../domain/deadline.js";
import { describeError, type PipelineError } from "../../domain/errors.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import { markedAsReplay, type Replay } from "../../domain/redrivePlan.js";
import type { MessageQueue } from "../messageQueue.js";
import type { QueueDirectory } from "../messageSource.js";
import { fifoGroupId } from "./loadCsvObject.js";
import type { RedriveEntry, RedriveSource } from "./redriveSources.js";

/** Entries read per round (one ReceiveMessage, one SendMessageBatch per target). */
const ROUND = 10;

/**
 * Where replays go: the `--to` queue, else the queue a document names (its URL found by ARN).
 * @example const targets: RedriveTargets = { to: url, directory, queueAt: (url) => new SqsMessageQueue(sqs, url) };
 */
export interface RedriveTargets {
  readonly to?: string;
  readonly directory: QueueDirectory;
  readonly queueAt: (url: string) => MessageQueue;
}

/**
 * One entry the redrive did not replay (or replayed only in part), and why.
 * @example const problem: RedriveProblem = { id: "s3://ops/rejects/a.json", reason: "a DynamoDB stream record cannot be written back…" };
 */
export interface RedriveProblem {
  readonly id: string;
  readonly reason: string;
}

/**
 * What a redrive did. `sent` counts entries replayed (two documents of one message send it
 * once); `planned` lists, on a dry run, what would be sent where.
 * @example const summary: RedriveSummary = { read: 3, sent: 2, notRedrivable: 1, failed: 0, problems: [...], planned: [] };
 */
export interface RedriveSummary {
  readonly read: number;
  readonly sent: number;
  readonly notRedrivable: number;
  readonly failed: number;
  readonly problems: ReadonlyArray<
    RedriveProblem & { readonly kind: "notRedrivable" | "failed" | "notRemoved" }
  >;
  readonly planned: ReadonlyArray<{
    readonly id: string;
    readonly to: string;
    readonly body: string;
  }>;
  /** The error that stopped the run before the source was read to its end. */
  readonly stopped?: PipelineError;
}

/**
 * How a redrive runs.
 * @example const options: RedriveOptions = { dryRun: true, max: 100, deadline: unboundedDeadline };
 */
export interface RedriveOptions {
  readonly dryRun: boolean;
  /** Stop after reading this many entries. */
  readonly max?: number;
  readonly deadline: Deadline;
  /** Called after each round with the entries read so far. */
  readonly onProgress?: (read: number) => void;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const messageOf = (entry: RedriveEntry, replay: Replay, fifo: boolean): OutgoingMessage => ({
  id: entry.id,
  body: replay.body,
  // Marked: queueToTable without a version table refuses a replay it cannot order.
  attributes: markedAsReplay(replay.attributes, replay.replayOf),
  ...(fifo
    ? {
        groupId: fifoGroupId(replay.groupKey),
        // Same copy of the same record → same id, however often it is read: a run repeated
        // after one stopped between a send and its delete is dropped by the FIFO queue within
        // 5 minutes of that send; a new copy (a new dead letter, a new document) is always sent.
        deduplicationId: sha256(`${replay.replayOf}@${entry.copy}`),
      }
    : {}),
});

/**
 * Replays what a dead-letter queue or a reject destination holds into the pipeline's input
 * queue: reads the source round by round (≤ 10 entries), plans each entry's replay
 * (domain/redrivePlan.ts), sends the replays to their queue (SendMessageBatch through the
 * {@link MessageQueue}, FIFO groups and deduplication ids set, each message marked with
 * `REPLAY_ATTRIBUTE`), and removes an entry from the
 * source only once its send succeeded. Entries that are not redrivable or whose send failed stay
 * in the source (released at the end); a dry run sends and removes nothing. A source or target
 * error that stops everything (missing queue or bucket, denied access) ends the run with what
 * was done so far and `stopped` (the run itself never fails: the summary says what happened).
 * @example const summary = await redrive(queueRedriveSource(dlq, 300), targets, { dryRun: false, deadline })();
 */
export const redrive =
  (source: RedriveSource, targets: RedriveTargets, options: RedriveOptions): Task<RedriveSummary> =>
  async () => {
    let read = 0;
    let sent = 0;
    const problems: RedriveSummary["problems"][number][] = [];
    const planned: RedriveSummary["planned"][number][] = [];
    const kept: RedriveEntry[] = [];
    const urls = new Map<string, E.Either<PipelineError, string>>();
    const replayed = new Set<string>();
    let stopped: PipelineError | undefined;

    const urlOf = async (replay: Replay): Promise<E.Either<string, string>> => {
      if (targets.to !== undefined) return E.right(targets.to);
      if (replay.queueArn === undefined)
        return E.left("the record names no queue to go back to: give --to <queue-url>");
      let url = urls.get(replay.queueArn);
      if (url === undefined) {
        url = await targets.directory.urlOf(replay.queueArn)();
        urls.set(replay.queueArn, url);
      }
      return E.isLeft(url) ? E.left(describeError(url.left)) : url;
    };

    while (stopped === undefined && (options.max === undefined || read < options.max)) {
      const batch = await source.next(Math.min(ROUND, (options.max ?? Infinity) - read))();
      if (E.isLeft(batch)) {
        stopped = batch.left;
        break;
      }
      if (batch.right.length === 0) break;
      read += batch.right.length;
      const byQueue = new Map<string, { entry: RedriveEntry; replay: Replay }[]>();
      const done: RedriveEntry[] = [];
      for (const entry of batch.right) {
        if (E.isLeft(entry.replay)) {
          problems.push({ kind: "notRedrivable", id: entry.id, reason: entry.replay.left });
          kept.push(entry);
          continue;
        }
        const url = await urlOf(entry.replay.right);
        if (E.isLeft(url)) {
          problems.push({ kind: "failed", id: entry.id, reason: url.left });
          kept.push(entry);
          continue;
        }
        const once = `${url.right} ${entry.replay.right.replayOf}`;
        if (options.dryRun) {
          planned.push({ id: entry.id, to: url.right, body: entry.replay.right.body });
          kept.push(entry);
        } else if (replayed.has(once)) done.push(entry);
        else {
          replayed.add(once);
          byQueue.set(url.right, [
            ...(byQueue.get(url.right) ?? []),
            { entry, replay: entry.replay.right },
          ]);
        }
      }
      for (const [url, group] of byQueue) {
        const queue = targets.queueAt(url);
        const report = await queue.send(
          group.map(({ entry, replay }) => messageOf(entry, replay, queue.fifo)),
          options.deadline,
        )();
        if (E.isLeft(report)) {
          stopped = report.left;
          kept.push(...group.map(({ entry }) => entry));
          continue;
        }
        const failed = new Map(report.right.failed.map(({ id, error }) => [id, error]));
        for (const { entry } of group) {
          const error = failed.get(entry.id);
          if (error === undefined) done.push(entry);
          else {
            problems.push({ kind: "failed", id: entry.id, reason: describeError(error) });
            kept.push(entry);
          }
        }
      }
      sent += done.length;
      if (done.length > 0) {
        const removed = await source.remove(done)();
        const notRemoved = E.isLeft(removed) ? done.map((entry) => entry.id) : removed.right;
        for (const id of notRemoved)
          problems.push({
            kind: "notRemoved",
            id,
            reason: `sent, but not removed from the source${E.isLeft(removed) ? ` (${describeError(removed.left)})` : ""}: a next run sends it again`,
          });
      }
      options.onProgress?.(read);
    }
    const left = await source.leave(kept)();
    if (E.isLeft(left)) stopped ??= left.left;
    const count = (kind: string) => problems.filter((problem) => problem.kind === kind).length;
    return {
      read,
      sent,
      notRedrivable: count("notRedrivable"),
      failed: count("failed"),
      problems,
      planned,
      ...(stopped === undefined ? {} : { stopped }),
    };
  };
