import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../../domain/errors.js";
import { type Replay, replayOfDocument, replayOfSourceMessage } from "../../domain/redrivePlan.js";
import { decodeRejectDocument } from "../../domain/rejectDocument.js";
import type { MessageSource, ReceivedMessage } from "../messageSource.js";
import type { ObjectFolder } from "../objectFolder.js";

/**
 * One entry of a redrive's source: a message of a queue or a document of an S3 prefix, with its
 * replay or why it has none.
 * @example const entry: RedriveEntry = { id: "m-1", copy: "m-1", replay: E.right(replay) };
 */
export interface RedriveEntry {
  /** What names the entry in reports: the message id, or `s3://bucket/key`. */
  readonly id: string;
  /**
   * What tells this copy of the record from another, the same however often it is read: the
   * source message's id (SQS keeps it across receives; a record that fails again comes back as a
   * new message), or the document's object key and ETag (and version).
   */
  readonly copy: string;
  readonly replay: E.Either<string, Replay>;
}

/**
 * Where a redrive reads: the next entries (none: everything was read), removal of the entries
 * replayed, and the end of the run for the entries left in place. `remove` and `leave` answer
 * the ids they could not handle.
 * @example const source = queueRedriveSource(messages, 300);
 */
export interface RedriveSource {
  readonly next: (max: number) => TE.TaskEither<PipelineError, ReadonlyArray<RedriveEntry>>;
  readonly remove: (
    entries: ReadonlyArray<RedriveEntry>,
  ) => TE.TaskEither<PipelineError, ReadonlyArray<string>>;
  readonly leave: (
    entries: ReadonlyArray<RedriveEntry>,
  ) => TE.TaskEither<PipelineError, ReadonlyArray<string>>;
}

/**
 * A queue as a redrive source (a dead-letter queue, an SQS reject destination): messages are
 * received invisible for `visibilitySeconds` (another redrive running at the same time does not
 * get them), deleted once replayed, and the ones left in place (not redrivable, failed, dry run)
 * are made visible again at the end. A message received a second time in one run (its timeout
 * expired) is not read twice; reading ends when a receive brings nothing new.
 * @example const source = queueRedriveSource(new SqsMessageSource(sqs, dlqUrl), 300);
 */
export const queueRedriveSource = (
  messages: MessageSource,
  visibilitySeconds: number,
): RedriveSource => {
  const held = new Map<string, ReceivedMessage>();
  const again: ReceivedMessage[] = [];
  const received = (entries: ReadonlyArray<RedriveEntry>) =>
    entries.flatMap((entry) => {
      const message = held.get(entry.id);
      return message === undefined ? [] : [message];
    });
  return {
    next: (max) => async () => {
      const batch = await messages.receive(max, visibilitySeconds)();
      if (E.isLeft(batch)) return batch;
      const fresh: RedriveEntry[] = [];
      for (const message of batch.right) {
        if (held.has(message.id)) {
          again.push(message);
          continue;
        }
        // Only what deletes or releases it: a large queue's bodies are not kept for the run.
        held.set(message.id, { ...message, body: "", attributes: {} });
        // Not the receipt handle: SQS gives a new one at every receive.
        fresh.push({ id: message.id, copy: message.id, replay: replayOfSourceMessage(message) });
      }
      return E.right(fresh);
    },
    remove: (entries) => messages.delete(received(entries)),
    leave: (entries) => messages.release([...received(entries), ...again]),
  };
};

/**
 * An S3 prefix of reject documents (`REJECT_DESTINATION=s3://bucket/prefix`) as a redrive
 * source: keys listed page by page, each document read and decoded (an object that is not a
 * reject document is not redrivable), deleted once replayed; the ones left are not touched. An
 * object deleted between the listing and the read is skipped.
 * @example const source = folderRedriveSource(new S3ObjectFolder(s3), "ops", "rejects/");
 */
export const folderRedriveSource = (
  folder: ObjectFolder,
  bucket: string,
  prefix: string,
): RedriveSource => {
  let pending: string[] = [];
  let after: string | undefined;
  let listedAll = false;
  const name = (key: string) => `s3://${bucket}/${key}`;
  const keyOf = (entry: RedriveEntry) => entry.id.slice(`s3://${bucket}/`.length);
  return {
    next: (max) => async () => {
      const entries: RedriveEntry[] = [];
      // Objects deleted meanwhile are skipped: read on until something is found or all is read.
      while (entries.length === 0 && (pending.length > 0 || !listedAll)) {
        while (pending.length < max && !listedAll) {
          const page = await folder.list(bucket, prefix, after)();
          if (E.isLeft(page)) return page;
          pending.push(...page.right.keys);
          after = page.right.after;
          listedAll = after === undefined;
        }
        const keys = pending.slice(0, max);
        pending = pending.slice(max);
        for (const key of keys) {
          const read = await folder.read(bucket, key)();
          if (E.isLeft(read)) {
            if (read.left._tag === "InvalidRecord") continue;
            return read;
          }
          const { text, etag, versionId } = read.right;
          const document = decodeRejectDocument(text);
          entries.push({
            id: name(key),
            copy: `${name(key)}?etag=${etag}${versionId === undefined ? "" : `&versionId=${versionId}`}`,
            replay: E.isLeft(document)
              ? E.left(`not a reject document (${document.left.field}: ${document.left.reason})`)
              : replayOfDocument(document.right),
          });
        }
      }
      return E.right(entries);
    },
    remove: (entries) => async () => {
      const failed: string[] = [];
      for (const entry of entries) {
        const removed = await folder.remove(bucket, keyOf(entry))();
        if (E.isLeft(removed)) {
          if (removed.left._tag === "Configuration") return removed;
          failed.push(entry.id);
        }
      }
      return E.right(failed);
    },
    leave: () => async () => E.right([]),
  };
};
