import { createHash } from "node:crypto";
import * as E from "fp-ts/lib/Either.js";
import { csvRowToCommand } from "../domain/csvRow.js";
import {
  type CsvObjectRef,
  csvObjectId,
  csvRowId,
  deduplicationSource,
} from "../domain/csvRowId.js";
import { bindHeader, type CsvLayout, type CsvSchema } from "../domain/csvSchema.js";
import type { Deadline } from "../domain/deadline.js";
import { type InvalidRecord, invalidRecord, toThrowable } from "../domain/errors.js";
import { encodeMessageBody } from "../domain/messageBody.js";
import type { PutCommand } from "../domain/writeCommand.js";
import type { MessageQueue, OutgoingMessage } from "../ports/messageQueue.js";
import type { ObjectLocation, ObjectStore } from "../ports/objectStore.js";
import type { RejectedRecord, RejectSink } from "../ports/rejectSink.js";
import { readCsvRows } from "./csvRows.js";

/** What loading one CSV object into a queue needs. */
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

/** What one object gave. */
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
  /** Body size so far (commands and separators, envelope included). */
  bytes: number;
}

interface Packed {
  readonly message: OutgoingMessage;
  readonly rowIds: ReadonlyArray<string>;
}

/** One object being loaded: packs rows into messages, sends them by 10, reports rejects. */
class Load {
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

  async add(line: number, command: PutCommand): Promise<void> {
    // Sizes only matter when rows share a message; the encoder writes exactly these fields.
    const bytes = this.rowsPerMessage > 1 ? Buffer.byteLength(JSON.stringify(command)) : 0;
    if (this.draft && this.draft.bytes + 1 + bytes > this.maxBytes) this.close();
    if (this.draft === undefined) {
      const bodyBytes = ENVELOPE_BYTES + bytes;
      this.draft = { firstLine: line, lastLine: line, commands: [command], bytes: bodyBytes };
    } else {
      this.draft.commands.push(command);
      this.draft.lastLine = line;
      this.draft.bytes += 1 + bytes;
    }
    this.stats.rows++;
    if (this.draft.commands.length >= this.rowsPerMessage) this.close();
    if (this.outbox.length >= MESSAGES_PER_SEND) await this.send();
  }

  async reject(error: InvalidRecord, line?: number): Promise<void> {
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
    });
    this.stats.rejected++;
    if (this.rejected.length >= REJECTS_PER_FLUSH) await this.flushRejects();
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
          deduplicationId: sha256(deduplicationSource(this.ref, draft.firstLine, draft.lastLine)),
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
      for (const rowId of rowIds) await this.reject({ ...error, recordId: rowId });
      unsent += rowIds.length;
    }
    this.stats.rows -= unsent;
    this.stats.messages += outbox.length - report.right.failed.length;
  }

  private async flushRejects(): Promise<void> {
    const rejected = this.rejected;
    this.rejected = [];
    if (rejected.length > 0) await this.deps.rejects.reject(rejected);
  }
}

/**
 * Streams one CSV object into the queue: the header row binds the schema, each valid row
 * becomes a put command (keyed by the schema's key, `source` = its row id), `rowsPerMessage`
 * rows per message body `{"v":1,"commands":[…]}`, messages sent by 10. FIFO queues get
 * MessageGroupId = the object key (hashed when SQS would refuse it) and MessageDeduplicationId =
 * SHA-256 of the message's row ids. The object is read only as fast as messages are sent: the
 * row reader is pulled again only after a send completes.
 *
 * Invalid rows (wrong column count, bad values, bad quotes, bytes that are not UTF-8) go to
 * `rejects` with their row id and column, and the rest of the file goes on. The whole object is
 * rejected when it is missing, empty, or its header lacks a key column; reading stops at a row
 * over 1 MiB (an unclosed quote). A message the queue refuses as invalid (too large) rejects its
 * rows. Anything else — the queue or bucket missing, sends still failing after the queue's
 * retries — throws: the caller (S3's asynchronous invocation) retries the whole object, and
 * since row ids are deterministic per object version, resent rows rewrite the same items and
 * FIFO queues drop them as duplicates (within their 5-minute window). Rows sharing a key: on a
 * FIFO queue the last row wins; on a standard queue the delivery order decides.
 *
 * @example
 * const stats = await loadCsvObject({ bucket: "uploads", key: "orders.csv" }, deps, unboundedDeadline);
 */
export const loadCsvObject = async (
  location: ObjectLocation,
  deps: CsvLoaderDeps,
  deadline: Deadline,
): Promise<CsvLoadStats> => {
  const opened = await deps.objects.open(location)();
  if (E.isLeft(opened)) {
    if (opened.left._tag !== "InvalidRecord") throw toThrowable(opened.left);
    await deps.rejects.reject([{ error: opened.left, identity: { ...location } }]);
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
  let layout: CsvLayout | undefined;
  for await (const entry of readCsvRows(opened.right.body)) {
    const rowId = csvRowId(ref, entry.line);
    if (entry.kind !== "row") {
      await load.reject(invalidRecord(rowId, "$", entry.reason), entry.line);
      // Without a readable header no row can be mapped; after a fatal error nothing is read.
      if (entry.kind === "fatal" || layout === undefined) return load.finish();
    } else if (layout === undefined) {
      const bound = bindHeader(deps.schema, entry.cells, rowId);
      if (E.isLeft(bound)) {
        await load.reject(bound.left, entry.line);
        return load.finish();
      }
      layout = bound.right;
    } else {
      const command = csvRowToCommand(layout, entry.cells, rowId);
      if (E.isLeft(command)) await load.reject(command.left, entry.line);
      else await load.add(entry.line, command.right);
    }
  }
  if (layout === undefined)
    await load.reject(invalidRecord(csvObjectId(ref), "$", "no header row: the object is empty"));
  return load.finish();
};
