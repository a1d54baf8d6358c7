import { createHash } from "node:crypto";
import type { SQSRecord } from "aws-lambda";
import { InMemoryServiceError } from "./serviceError.js";
import {
  ACCOUNT,
  checkBatch,
  DEDUP_WINDOW_MS,
  type EntryFault,
  entryRefusal,
  type FailedEntry,
  fail,
  MAX_ENTRIES,
  type QueueOptions,
  REGION,
  type SendBatchResult,
  type SendEntry,
  type SqsFaultHook,
  type StoredMessage,
  toSqsRecord,
} from "./sqsModel.js";

export type { EntryFault, FailedEntry, QueueOptions, SendBatchResult, SendEntry, SqsFaultHook };

interface Queue {
  readonly name: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly visibilityMs: number;
  readonly redrive: QueueOptions["redrive"];
  readonly contentDedup: boolean;
  readonly dedup: Map<string, { readonly messageId: string; readonly until: number }>;
  messages: StoredMessage[];
  redriven: number;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}(\.fifo)?$/;

const md5 = (text: string): string => createHash("md5").update(text, "utf8").digest("hex");

/**
 * SQS in memory, on a virtual clock (`() => number`, milliseconds): standard and FIFO queues,
 * SendMessageBatch limits (10 entries, distinct entry ids, 256 KiB, 10 message attributes),
 * message attributes kept through a dead-letter move, visibility timeouts, receive
 * counts, redrive to a dead-letter queue, FIFO group ordering (no message of a group is delivered
 * while another of it is in flight) and 5-minute deduplication. Received messages are shaped like
 * Lambda's `SQSRecord`. Within one FIFO batch, an entry that fails fails the later entries of its
 * group too ("messages within a single batch are enqueued in the order they are sent").
 *
 * @example
 * const sqs = new InMemorySqs(() => now);
 * sqs.createQueue("replica", { visibilityTimeoutSeconds: 30 });
 * sqs.sendBatch("replica", [{ id: "0", body: "{}" }]);
 * const [record] = sqs.receive("replica", 10);
 */
export class InMemorySqs {
  private readonly queues = new Map<string, Queue>();
  private readonly handles = new Map<
    string,
    { readonly queue: Queue; readonly message: StoredMessage }
  >();
  private counter = 0;
  /** Set to inject faults into the next operations. */
  fault: SqsFaultHook | undefined;

  constructor(
    private readonly clock: () => number,
    /** When given, each receive on a standard queue returns its messages in a random order. */
    private readonly random?: () => number,
  ) {}

  /** Creates a queue and returns its URL. */
  createQueue(name: string, options: QueueOptions): string {
    if (!QUEUE_NAME.test(name)) fail("InvalidParameterValue", `invalid queue name ${name}`);
    if (this.queues.has(name)) fail("QueueNameExists", `queue ${name} exists`);
    const fifo = options.fifo ?? name.endsWith(".fifo");
    if (fifo !== name.endsWith(".fifo"))
      fail("InvalidParameterValue", "a FIFO queue's name must end in .fifo, and only its name");
    const seconds = options.visibilityTimeoutSeconds;
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200)
      fail("InvalidAttributeValue", "VisibilityTimeout must be 0 to 43200 seconds");
    if (options.redrive !== undefined) {
      const dlq = this.queue(options.redrive.deadLetterQueue);
      if (dlq.fifo !== fifo)
        fail("InvalidParameterValue", "the dead-letter queue must be of the same type");
      if (options.redrive.maxReceiveCount < 1 || options.redrive.maxReceiveCount > 1000)
        fail("InvalidParameterValue", "maxReceiveCount must be 1 to 1000");
    }
    this.queues.set(name, {
      name,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      fifo,
      visibilityMs: seconds * 1000,
      redrive: options.redrive,
      contentDedup: options.contentBasedDeduplication ?? false,
      dedup: new Map(),
      messages: [],
      redriven: 0,
    });
    return this.queueUrl(name);
  }

  /** The URL of a queue (every method takes a queue's name or URL). */
  queueUrl(name: string): string {
    return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${this.queue(name).name}`;
  }

  /** The visibility timeout of a queue, in milliseconds. */
  visibilityTimeoutMs(queue: string): number {
    return this.queue(queue).visibilityMs;
  }

  /** SendMessageBatch: every entry succeeds or is reported failed; limit breaches throw. */
  sendBatch(queue: string, entries: ReadonlyArray<SendEntry>): SendBatchResult {
    const q = this.queue(queue);
    const fault = this.injectFault("SendMessageBatch", q.name);
    checkBatch(entries);
    const successful: { id: string; messageId: string }[] = [];
    const failed: FailedEntry[] = [];
    const failedGroups = new Set<string>();
    entries.forEach((entry, index) => {
      const refused = this.refusal(q, entry, index, fault, failedGroups);
      if (refused !== undefined) {
        failed.push({ id: entry.id, ...refused });
        if (q.fifo && entry.groupId !== undefined) failedGroups.add(entry.groupId);
        return;
      }
      successful.push({ id: entry.id, messageId: this.enqueue(q, entry) });
    });
    return { successful, failed };
  }

  /**
   * ReceiveMessage: up to `max` (1–10) visible messages, made invisible for the queue's timeout
   * or `visibilityMs` (the request's VisibilityTimeout).
   */
  receive(queue: string, max = MAX_ENTRIES, visibilityMs?: number): SQSRecord[] {
    const q = this.queue(queue);
    this.injectFault("ReceiveMessage", q.name);
    if (!Number.isInteger(max) || max < 1 || max > MAX_ENTRIES)
      fail("InvalidParameterValue", "MaxNumberOfMessages must be 1 to 10");
    const now = this.clock();
    const locked = new Set(
      q.messages.filter((m) => m.visibleAt > now && m.groupId !== undefined).map((m) => m.groupId),
    );
    const out: SQSRecord[] = [];
    for (const message of [...q.messages]) {
      if (out.length === max) break;
      if (message.visibleAt > now) continue;
      if (q.fifo && locked.has(message.groupId)) continue;
      if (q.redrive !== undefined && message.receiveCount >= q.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(q, message);
        continue;
      }
      out.push(this.deliver(q, message, now, visibilityMs));
    }
    if (!q.fifo && this.random !== undefined) {
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [out[i], out[j]] = [out[j] as SQSRecord, out[i] as SQSRecord];
      }
    }
    return out;
  }

  /**
   * DeleteMessage. Returns false when the handle is stale (the message was received again since,
   * or is gone): as in SQS, nothing is deleted. Throws `ReceiptHandleIsInvalid` for unknown handles.
   */
  deleteMessage(receiptHandle: string): boolean {
    const found = this.handles.get(receiptHandle);
    if (found === undefined) return fail("ReceiptHandleIsInvalid", "unknown receipt handle");
    this.injectFault("DeleteMessage", found.queue.name);
    const { queue, message } = found;
    if (message.receiptHandle !== receiptHandle || !queue.messages.includes(message)) return false;
    queue.messages = queue.messages.filter((m) => m !== message);
    return true;
  }

  /**
   * ChangeMessageVisibility: the message becomes visible `visibilityMs` from now. Returns false
   * when the handle is stale; throws `ReceiptHandleIsInvalid` for unknown handles.
   */
  changeVisibility(receiptHandle: string, visibilityMs: number): boolean {
    const found = this.handles.get(receiptHandle);
    if (found === undefined) return fail("ReceiptHandleIsInvalid", "unknown receipt handle");
    this.injectFault("ChangeMessageVisibility", found.queue.name);
    const { queue, message } = found;
    if (message.receiptHandle !== receiptHandle || !queue.messages.includes(message)) return false;
    message.visibleAt = this.clock() + visibilityMs;
    return true;
  }

  /** Messages visible now, in flight, and moved to the dead-letter queue so far. */
  counts(queue: string): { visible: number; inFlight: number; redriven: number } {
    const q = this.queue(queue);
    const now = this.clock();
    const inFlight = q.messages.filter((m) => m.visibleAt > now).length;
    return { visible: q.messages.length - inFlight, inFlight, redriven: q.redriven };
  }

  /** When the next in-flight message becomes visible again (undefined when none is in flight). */
  nextVisibleAt(queue: string): number | undefined {
    const now = this.clock();
    const times = this.queue(queue)
      .messages.map((m) => m.visibleAt)
      .filter((time) => time > now);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** The messages of a queue, in order, without receiving them (for inspection). */
  peek(queue: string): ReadonlyArray<{ messageId: string; body: string; receiveCount: number }> {
    return this.queue(queue).messages.map(({ messageId, body, receiveCount }) => ({
      messageId,
      body,
      receiveCount,
    }));
  }

  private refusal(
    q: Queue,
    entry: SendEntry,
    index: number,
    fault: EntryFault | undefined,
    failedGroups: ReadonlySet<string>,
  ): Omit<FailedEntry, "id"> | undefined {
    const refused = entryRefusal(entry, q);
    if (refused !== undefined) return refused;
    if (q.fifo && failedGroups.has(entry.groupId ?? ""))
      return {
        code: "InternalError",
        message: `an earlier entry of group ${entry.groupId} failed in this batch`,
        senderFault: false,
      };
    const injected = fault?.failEntry(entry, index);
    return injected === undefined
      ? undefined
      : { ...injected, message: `injected ${injected.code}` };
  }

  private enqueue(q: Queue, entry: SendEntry): string {
    const now = this.clock();
    const dedupId = q.fifo
      ? (entry.deduplicationId ?? createHash("sha256").update(entry.body).digest("hex"))
      : undefined;
    if (dedupId !== undefined) {
      const seen = q.dedup.get(dedupId);
      if (seen !== undefined && seen.until > now) return seen.messageId;
    }
    this.counter += 1;
    const messageId = `00000000-0000-4000-8000-${this.counter.toString(16).padStart(12, "0")}`;
    if (dedupId !== undefined) q.dedup.set(dedupId, { messageId, until: now + DEDUP_WINDOW_MS });
    q.messages.push({
      messageId,
      body: entry.body,
      md5: md5(entry.body),
      sentAt: now,
      groupId: q.fifo ? entry.groupId : undefined,
      deduplicationId: dedupId,
      sequenceNumber: q.fifo ? (10n ** 19n + BigInt(this.counter)).toString() : undefined,
      attributes: entry.attributes ?? {},
      receiveCount: 0,
      firstReceiveAt: undefined,
      visibleAt: now,
      receiptHandle: undefined,
      deadLetterSourceArn: undefined,
    });
    return messageId;
  }

  private deliver(
    q: Queue,
    message: StoredMessage,
    now: number,
    visibilityMs = q.visibilityMs,
  ): SQSRecord {
    this.counter += 1;
    const handle = `rh-${q.name}-${message.messageId}-${this.counter}`;
    message.receiveCount += 1;
    message.firstReceiveAt ??= now;
    message.visibleAt = now + visibilityMs;
    message.receiptHandle = handle;
    this.handles.set(handle, { queue: q, message });
    return toSqsRecord(message, handle, q.arn);
  }

  private moveToDeadLetterQueue(q: Queue, message: StoredMessage): void {
    const dlq = this.queue((q.redrive as NonNullable<QueueOptions["redrive"]>).deadLetterQueue);
    q.messages = q.messages.filter((m) => m !== message);
    q.redriven += 1;
    dlq.messages.push({
      ...message,
      receiveCount: 0,
      firstReceiveAt: undefined,
      visibleAt: this.clock(),
      receiptHandle: undefined,
      deadLetterSourceArn: q.arn,
    });
  }

  private injectFault(operation: string, queue: string): EntryFault | undefined {
    const fault = this.fault?.(operation, queue);
    if (typeof fault === "string")
      throw new InMemoryServiceError(fault, `injected ${fault} on ${operation}`);
    return fault;
  }

  private queue(nameOrUrl: string): Queue {
    const name = nameOrUrl.slice(nameOrUrl.lastIndexOf("/") + 1);
    const q = this.queues.get(name);
    if (q === undefined)
      throw new InMemoryServiceError(
        "QueueDoesNotExist",
        `The specified queue does not exist: ${nameOrUrl}`,
      );
    return q;
  }
}
