import type { S3Event, S3EventRecord } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import type { Deadline } from "../../domain/deadline.js";
import type { PipelineError } from "../../domain/errors.js";
import { decodeMessageBody } from "../../domain/messageBody.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";
import type { ObjectLocation, ObjectStore, ObjectStream } from "../../ports/objectStore.js";

/** Builders for the CSV pipeline's tests: CSV text, S3 events, a recording queue double. */

/** Quotes a cell when CSV needs it (comma, quote or line break). */
export const csvCell = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/** CSV text from rows of cells; `\n` line endings unless told, no trailing line break unless told. */
export const csvText = (
  rows: ReadonlyArray<ReadonlyArray<string>>,
  options: {
    readonly newline?: string;
    readonly bom?: boolean;
    readonly trailingNewline?: boolean;
  } = {},
): string => {
  const newline = options.newline ?? "\n";
  const body = rows.map((row) => row.map(csvCell).join(",")).join(newline);
  return `${options.bom ? "\uFEFF" : ""}${body}${options.trailingNewline ? newline : ""}`;
};

/** An object key encoded the way S3 event notifications encode it (`+` for a space). */
export const encodeS3EventKey = (key: string): string =>
  encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");

/** One record of an S3 event (the key is given in clear and encoded like S3 does). */
export interface S3ObjectEvent {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly eventName?: string;
}

/** An S3 event notification as Lambda receives it. */
export const s3Event = (objects: ReadonlyArray<S3ObjectEvent>): S3Event => ({
  Records: objects.map(
    (o, i): S3EventRecord => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2024-01-01T00:00:00.000Z",
      eventName: o.eventName ?? "ObjectCreated:Put",
      userIdentity: { principalId: "AWS:EXAMPLE" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: { "x-amz-request-id": `req-${i}`, "x-amz-id-2": `id-${i}` },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "csv-upload",
        bucket: {
          name: o.bucket,
          ownerIdentity: { principalId: "EXAMPLE" },
          arn: `arn:aws:s3:::${o.bucket}`,
        },
        object: {
          key: encodeS3EventKey(o.key),
          size: 0,
          eTag: "0",
          // One width for all (S3 compares sequencers right-padded: "09" would follow "10").
          sequencer: i.toString(16).toUpperCase().padStart(18, "0"),
          ...(o.versionId === undefined ? {} : { versionId: o.versionId }),
        },
      },
    }),
  ),
});

/**
 * A {@link MessageQueue} decorator for tests: records every `send` call (to check the batches of
 * 10), refuses calls SendMessageBatch would refuse, and can hold a send in flight (`gate`)
 * before passing it to the real (in-memory) queue.
 */
export class RecordingMessageQueue implements MessageQueue {
  readonly fifo: boolean;
  readonly sends: OutgoingMessage[][] = [];
  /** Awaited before each send goes through (to hold a send in flight). */
  gate: (() => Promise<void>) | undefined;

  constructor(private readonly inner: MessageQueue) {
    this.fifo = inner.fifo;
  }

  readonly send =
    (
      messages: ReadonlyArray<OutgoingMessage>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, SendReport> =>
    async () => {
      // A violation rejects the promise: the test fails loudly.
      if (messages.length === 0 || messages.length > 10)
        throw new Error(`SendMessageBatch takes 1 to 10 entries, got ${messages.length}`);
      this.sends.push([...messages]);
      await this.gate?.();
      return this.inner.send(messages, deadline)();
    };
}

/** An in-memory SQS queue for the CSV handler, behind a {@link RecordingMessageQueue}. */
export const csvQueue = (options: { readonly fifo?: boolean } = {}) => {
  const sqs = new InMemorySqs(() => 0);
  const name = options.fifo ? "rows.fifo" : "rows";
  sqs.createQueue(name, { visibilityTimeoutSeconds: 30 });
  const queue = new RecordingMessageQueue(new InMemoryMessageQueue(sqs, name, noWaitRetryEnv));
  return { sqs, name, queue };
};

/** Every command of every message in the queue, decoded with the queue format's decoder. */
export const queuedCommands = (
  sqs: InMemorySqs,
  queue: string,
  schema: KeySchema,
): WriteCommand[] =>
  sqs.peek(queue).flatMap((message) => {
    const decoded = decodeMessageBody(message.messageId, message.body, schema);
    if (E.isLeft(decoded)) throw new Error(`undecodable body ${message.body}`);
    return [...decoded.right];
  });

/** Wraps an object store and counts the body chunks the consumer has pulled so far. */
export class CountingObjectStore implements ObjectStore {
  pulled = 0;
  constructor(private readonly inner: ObjectStore) {}

  readonly open = (location: ObjectLocation): TE.TaskEither<PipelineError, ObjectStream> =>
    TE.map((stream: ObjectStream) => ({ ...stream, body: this.count(stream.body) }))(
      this.inner.open(location),
    );

  private async *count(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      this.pulled++;
      yield chunk;
    }
  }
}

/** An async iterable over `bytes` in slices of `size` (to split CSV text anywhere). */
export async function* chunksOf(
  bytes: Uint8Array,
  sizes: ReadonlyArray<number>,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes[i++ % Math.max(1, sizes.length)] ?? 1);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

/** Collects an async iterable into an array. */
export const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of items) out.push(item);
  return out;
};
