import { createHash, randomUUID } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { csvRowToCommand } from "../../domain/csvRow.js";
import {
  type CsvObjectRef,
  csvObjectId,
  csvRowIds,
  deduplicationSource,
} from "../../domain/csvRowId.js";
import { bindHeader, type CsvLayout, type CsvSchema } from "../../domain/csvSchema.js";
import type { Deadline } from "../../domain/deadline.js";
import { type InvalidRecord, invalidRecord, toThrowable } from "../../domain/errors.js";
import { commandBytesBound, encodeMessageBody } from "../../domain/messageBody.js";
import { rowSequence, sequencerValue } from "../../domain/objectSequence.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { PutCommand } from "../../domain/writeCommand.js";
import type { MessageQueue } from "../messageQueue.js";
import type { ObjectLocation, ObjectStore } from "../objectStore.js";
import type { RejectedRecord, RejectSink } from "../rejectSink.js";
import { readCsvRowBatches } from "./readCsvRows.js";

/**
 * What loading one CSV object into a queue needs.
 * @example const deps: CsvLoaderDeps = { objects, queue, rejects, rowsPerMessage: 25 };
 */
export interface CsvLoaderDeps {
  readonly objects: ObjectStore;
  readonly queue: MessageQueue;
  readonly rejects: RejectSink;
  /** Column types and key; without it every column is a string and the first one is the key. */
  readonly schema?: CsvSchema;
  /** Rows packed in one message (default 1). */
  readonly rowsPerMessage?: number;
  /** Largest message body in bytes (default 262,144, SQS's limit); a row over it goes alone. */
  readonly maxMessageBytes?: number;
}

/**
 * The object a notification names, with its `sequencer` when it has one (S3 event notifications
 * and EventBridge events carry it): rows then carry a `seq` ordering them across versions of the
 * key (domain/objectSequence.ts).
 * @example const notice: CsvObjectNotice = { bucket: "uploads", key: "orders.csv", sequencer: "0055AED6DCD90281E5" };
 */
export type CsvObjectNotice = ObjectLocation & { readonly sequencer?: string };

/**
 * What one object gave.
 * @example const stats: CsvLoadStats = { rows: 1000, messages: 40, rejected: 0 };
 */
export interface CsvLoadStats {
  /** Rows sent (header excluded). */
  readonly rows: number;
  readonly messages: number;
  /** Rows (or the whole object) sent to the reject sink. */
  readonly rejected: number;
}

/** SendMessageBatch takes at most 10 entries. */
const MESSAGES_PER_SEND = 10;
const DEFAULT_MAX_MESSAGE_BYTES = 262_144;
const REJECTS_PER_FLUSH = 100;
/** `{"v":1,"commands":[` … `]}` around the commands. */
const ENVELOPE_BYTES = Buffer.byteLength(encodeMessageBody([]));

/** Exact bytes a command adds to a body (its JSON; the comma is counted by the caller). */
const commandBytes = (command: PutCommand): number =>
  Buffer.byteLength(encodeMessageBody([command])) - ENVELOPE_BYTES;
/** SQS group and deduplication ids: 1–128 printable ASCII characters, no space. */
const SQS_ID = /^[\x21-\x7e]{1,128}$/;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * The FIFO MessageGroupId of an object: its key when SQS accepts it as it is, else its SHA-256.
 * @example fifoGroupId("orders/2024.csv") // "orders/2024.csv"
 */
export const fifoGroupId = (key: string): string => (SQS_ID.test(key) ? key : sha256(key));

interface Draft {
  readonly firstLine: number;
  lastLine: number;
  readonly commands: PutCommand[];
  /**
   * Body size, envelope and commas included: exact for the first `exactCount` commands
   * (`exact`), an upper bound for the rest (`tailBound`). Rows are measured exactly only when the
   * bound nears the limit, and each message is encoded once, when it closes.
   */
  exact: number;
  exactCount: number;
  tailBound: number;
}

interface Packed {
  readonly message: OutgoingMessage;
  readonly rowIds: ReadonlyArray<string>;
}

/** One object being loaded: packs rows into messages, sends them by 10, reports rejects. */
class Load {
  /** Makes FIFO deduplication ids unique to this read of the object (see loadCsvObject). */
  private readonly invocation = randomUUID();
  private readonly rowsPerMessage: number;
  private readonly maxBytes: number;
  private draft: Draft | undefined;
  private outbox: Packed[] = [];
  private rejected: RejectedRecord[] = [];
  private stats = { rows: 0, messages: 0, rejected: 0 };

  constructor(
    private readonly deps: CsvLoaderDeps,
    private readonly ref: CsvObjectRef,
    private readonly deadline: Deadline,
  ) {
    this.rowsPerMessage = deps.rowsPerMessage ?? 1;
    this.maxBytes = deps.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Queues a row; {@link flushDue} then sends when 10 messages are ready. */
  add(line: number, command: PutCommand): void {
    // Sizes only matter when rows share a message.
    const bound = this.rowsPerMessage > 1 ? commandBytesBound(command) : 0;
    if (this.draft && !this.fits(this.draft, command, bound)) this.close();
    if (this.draft === undefined) {
      this.draft = {
        firstLine: line,
        lastLine: line,
        commands: [command],
        exact: ENVELOPE_BYTES - 1,
        exactCount: 0,
        tailBound: 1 + bound,
      };
    } else {
      this.draft.commands.push(command);
      this.draft.lastLine = line;
      this.draft.tailBound += 1 + bound;
    }
    this.stats.rows++;
    if (this.draft.commands.length >= this.rowsPerMessage) this.close();
  }

  /** Whether `command` still fits in the draft's message (exact sizes only when in doubt). */
  private fits(draft: Draft, command: PutCommand, bound: number): boolean {
    if (draft.exact + draft.tailBound + 1 + bound <= this.maxBytes) return true;
    for (; draft.exactCount < draft.commands.length; draft.exactCount++)
      draft.exact += 1 + commandBytes(draft.commands[draft.exactCount] as PutCommand);
    draft.tailBound = 0;
    return draft.exact + 1 + commandBytes(command) <= this.maxBytes;
  }

  /** Sends the ready messages once there are 10, and the rejects once there are 100. */
  async flushDue(): Promise<void> {
    if (this.outbox.length >= MESSAGES_PER_SEND) await this.send();
    if (this.rejected.length >= REJECTS_PER_FLUSH) await this.flushRejects();
  }

  /** Whether {@link flushDue} has anything to do (checked per row, without a promise). */
  get due(): boolean {
    return this.outbox.length >= MESSAGES_PER_SEND || this.rejected.length >= REJECTS_PER_FLUSH;
  }

  reject(error: InvalidRecord, line?: number, original?: unknown): void {
    const { bucket, key, versionId, etag } = this.ref;
    this.rejected.push({
      error,
      identity: {
        bucket,
        key,
        etag,
        ...(versionId ? { versionId } : {}),
        ...(line ? { line } : {}),
      },
      ...(original === undefined ? {} : { original }),
    });
    this.stats.rejected++;
  }

  async finish(): Promise<CsvLoadStats> {
    this.close();
    await this.send();
    await this.flushRejects();
    return { ...this.stats };
  }

  private close(): void {
    const draft = this.draft;
    if (draft === undefined) return;
    this.draft = undefined;
    const fifo = this.deps.queue.fifo
      ? {
          groupId: fifoGroupId(this.ref.key),
          deduplicationId: sha256(
            `${deduplicationSource(this.ref, draft.firstLine, draft.lastLine)}@${this.invocation}`,
          ),
        }
      : {};
    this.outbox.push({
      message: { id: `L${draft.firstLine}`, body: encodeMessageBody(draft.commands), ...fifo },
      rowIds: draft.commands.map((command) => command.source),
    });
  }

  private async send(): Promise<void> {
    const outbox = this.outbox;
    this.outbox = [];
    if (outbox.length === 0) return;
    const report = await this.deps.queue.send(
      outbox.map((packed) => packed.message),
      this.deadline,
    )();
    if (E.isLeft(report)) {
      await this.flushRejects();
      throw toThrowable(report.left);
    }
    const rowIdsOf = new Map(outbox.map((packed) => [packed.message.id, packed.rowIds]));
    let unsent = 0;
    for (const { id, error } of report.right.failed) {
      const rowIds = rowIdsOf.get(id) ?? [];
      if (error._tag !== "InvalidRecord") {
        await this.flushRejects();
        throw toThrowable(error);
      }
      // The refused message's rows, as sent, for a replay (parsed only on this rare path).
      const body = outbox.find((packed) => packed.message.id === id)?.message.body;
      const sent: unknown[] = body === undefined ? [] : JSON.parse(body).commands;
      for (const [i, rowId] of rowIds.entries())
        this.reject({ ...error, recordId: rowId }, undefined, sent[i]);
      unsent += rowIds.length;
    }
    this.stats.rows -= unsent;
    this.stats.messages += outbox.length - report.right.failed.length;
  }

  private async flushRejects(): Promise<void> {
    const rejected = this.rejected;
    this.rejected = [];
    await rejectOrThrow(this.deps.rejects, rejected);
  }
}

/**
 * Hands rejects to the sink; throws when it could not store them (its destination still failing
 * after retries), so S3's asynchronous invocation retries the object and no reject is lost.
 * @example await rejectOrThrow(deps.rejects, [{ error, identity: { bucket, key } }]);
 */
export const rejectOrThrow = async (
  sink: RejectSink,
  records: ReadonlyArray<RejectedRecord>,
): Promise<void> => {
  if (records.length === 0) return;
  const stored = await sink.reject(records)();
  if (E.isLeft(stored)) throw toThrowable(stored.left);
};

/**
 * Streams one CSV object into the queue: the header row binds the schema, each valid row
 * becomes a put command (keyed by the schema's key, `source` = its row id), `rowsPerMessage`
 * rows per message body `{"v":1,"commands":[…]}`, messages sent by 10. FIFO queues get
 * MessageGroupId = the object key (hashed when SQS would refuse it) and MessageDeduplicationId =
 * SHA-256 of the message's row ids and an id of this read. The object is read only as fast as messages are sent: the
 * row reader is pulled again only after a send completes.
 *
 * Invalid rows (wrong column count, bad values, bad quotes, bytes that are not UTF-8) go to
 * `rejects` with their row id and column, and the rest of the file goes on. The whole object is
 * rejected when it is missing, empty, or its header lacks a key column; reading stops at a row
 * over 1 MiB (an unclosed quote). A message the queue refuses as invalid (too large) rejects its
 * rows. Anything else — the queue or bucket missing, sends still failing after the queue's
 * retries — throws: the caller (S3's asynchronous invocation) retries the whole object, and
 * since row ids are deterministic per object version, resent rows rewrite the same items. FIFO
 * queues do not drop them: SQS deduplicates for 5 minutes from a message's FIRST send, so a
 * retry minutes later would re-enqueue the object's early messages and drop its later ones (an
 * early row of a key landing after a later one); each read instead enqueues its rows in order,
 * after everything earlier. Rows sharing a key: on a FIFO queue the last row wins; on a standard
 * queue the delivery order decides. With a `sequencer`, every row carries `seq` = the
 * sequencer right-padded to 29 hexadecimal digits (S3's rule for sequencers of different
 * lengths), read as a number, × 10^12 + its line (domain/objectSequence.ts), so a sequence-guarded table
 * (VERSION_TABLE) keeps the newest version's row of each item key, whatever the order in which
 * notifications, retries and messages arrive. A malformed sequencer rejects the object.
 *
 * @example
 * const stats = await loadCsvObject({ bucket: "uploads", key: "orders.csv" }, deps, unboundedDeadline);
 */
export const loadCsvObject = async (
  notice: CsvObjectNotice,
  deps: CsvLoaderDeps,
  deadline: Deadline,
): Promise<CsvLoadStats> => {
  const { sequencer, ...location } = notice;
  const ordered = sequencer === undefined ? undefined : sequencerValue(sequencer);
  if (ordered !== undefined && "problem" in ordered) {
    const id = `s3://${location.bucket}/${location.key}`;
    const error = invalidRecord(id, "s3.object.sequencer", ordered.problem);
    await rejectOrThrow(deps.rejects, [
      { error, identity: { ...location, sequencer }, original: notice },
    ]);
    return { rows: 0, messages: 0, rejected: 1 };
  }
  const opened = await deps.objects.open(location)();
  if (E.isLeft(opened)) {
    if (opened.left._tag !== "InvalidRecord") throw toThrowable(opened.left);
    await rejectOrThrow(deps.rejects, [
      { error: opened.left, identity: { ...location }, original: location },
    ]);
    return { rows: 0, messages: 0, rejected: 1 };
  }
  const versionId = opened.right.versionId ?? location.versionId;
  const ref: CsvObjectRef = {
    bucket: location.bucket,
    key: location.key,
    etag: opened.right.etag,
    ...(versionId === undefined ? {} : { versionId }),
  };
  const load = new Load(deps, ref, deadline);
  const rowIdOf = csvRowIds(ref);
  let layout: CsvLayout | undefined;
  for await (const entries of readCsvRowBatches(opened.right.body)) {
    for (const entry of entries) {
      const rowId = rowIdOf(entry.line);
      if (entry.kind !== "row") {
        load.reject(invalidRecord(rowId, "$", entry.reason), entry.line);
        // Without a readable header no row can be mapped; after a fatal error nothing is read.
        if (entry.kind === "fatal" || layout === undefined) return load.finish();
      } else if (layout === undefined) {
        const bound = bindHeader(deps.schema, entry.cells, rowId);
        if (E.isLeft(bound)) {
          load.reject(bound.left, entry.line);
          return load.finish();
        }
        layout = bound.right;
      } else {
        const command = csvRowToCommand(layout, entry.cells, rowId);
        if (E.isLeft(command)) load.reject(command.left, entry.line, entry.cells);
        else if (ordered === undefined) load.add(entry.line, command.right);
        else
          load.add(entry.line, { ...command.right, seq: rowSequence(ordered.value, entry.line) });
      }
      // Sends complete before the next row is read: the object is held back by the queue.
      if (load.due) await load.flushDue();
    }
  }
  if (layout === undefined)
    load.reject(invalidRecord(csvObjectId(ref), "$", "no header row: the object is empty"));
  return load.finish();
};
