import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { MessageQueue, SendReport } from "../../ports/messageQueue.js";

/** A message read back from the queue. */
export interface ReceivedMessage {
  readonly body: string;
  readonly groupId?: string;
}

/**
 * How one entry of a SendMessageBatch call is made to fail (`senderFault`: the caller's fault).
 * @example const failure: EntryFailure = { code: "InternalError", senderFault: false };
 */
export interface EntryFailure {
  readonly code: string;
  readonly senderFault: boolean;
}

/**
 * A fault for the n-th SendMessageBatch call (1-based, counted from when it was injected): the
 * whole call fails with `exception`, or the entries `failEntry` picks are reported failed (the
 * others are sent), or nothing happens (undefined).
 * @example fixture.inject((call) => (call === 1 ? { exception: "RequestThrottled" } : undefined));
 */
export type QueueFault = (call: number) =>
  | { readonly exception: string }
  | {
      readonly failEntry: (
        entry: { readonly body: string },
        index: number,
      ) => EntryFailure | undefined;
    }
  | undefined;

/**
 * A queue under test, with a way to read back (receive and delete) everything it holds.
 * @example const { queue, drain } = await fixture({ fifo: true });
 */
export interface MessageQueueFixture {
  readonly queue: MessageQueue;
  /** Receives and deletes every message now in the queue, in delivery order. */
  readonly drain: () => Promise<ReadonlyArray<ReceivedMessage>>;
  /** A queue on a queue URL that does not exist, and that queue's name. */
  readonly missing: { readonly queue: MessageQueue; readonly name: string };
  /** Injects faults into the queue's next SendMessageBatch calls (undefined: none). */
  readonly inject: (fault: QueueFault | undefined) => void;
  /** SendMessageBatch calls made on the queue since the last `inject`, faulted or not. */
  readonly sendCalls: () => number;
}

const sendAll = async (
  queue: MessageQueue,
  messages: ReadonlyArray<OutgoingMessage>,
): Promise<SendReport> => {
  const result = await queue.send(messages, unboundedDeadline)();
  if (E.isLeft(result)) throw new Error(`send failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

const numbered = (count: number, prefix = "m"): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, body: `{"n":${i}}` }));

/**
 * The MessageQueue contract, run against every adapter (in memory, and SQS on moto_server).
 * `fixture({ fifo })` returns a fresh, empty queue of that type.
 * @example messageQueueContract("InMemoryMessageQueue", async ({ fifo }) => fixture(fifo));
 */
export const messageQueueContract = (
  name: string,
  fixture: (options: { readonly fifo: boolean }) => Promise<MessageQueueFixture>,
) =>
  describe(`MessageQueue contract: ${name}`, () => {
    it("sends more messages than one batch holds, each exactly once", async () => {
      const { queue, drain } = await fixture({ fifo: false });
      expect(queue.fifo).toBe(false);
      const messages = numbered(25);
      expect(await sendAll(queue, messages)).toEqual({ failed: [] });
      const received = (await drain()).map((m) => m.body);
      expect([...received].sort()).toEqual(messages.map((m) => m.body).sort());
    });

    it("keeps bodies intact, whatever their characters, and accepts any message id", async () => {
      const { queue, drain } = await fixture({ fifo: false });
      const body = JSON.stringify({ s: 'ñandú "quoted" \\ 😀 \n tab\t', n: "1e-130" });
      const report = await sendAll(queue, [{ id: "s3://bucket/key with space#L12", body }]);
      expect(report.failed).toEqual([]);
      expect((await drain()).map((m) => m.body)).toEqual([body]);
    });

    it("splits batches by size and reports a message too big to send as invalid", async () => {
      const { queue, drain } = await fixture({ fifo: false });
      const big = (id: string, size: number) => ({ id, body: "x".repeat(size) });
      const report = await sendAll(queue, [
        big("a", 100_000),
        big("b", 100_000),
        big("too-big", 262_145),
        big("c", 100_000),
      ]);
      expect(report.failed).toEqual([
        {
          id: "too-big",
          error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "too-big" }),
        },
      ]);
      expect((await drain()).map((m) => m.body.length)).toEqual([100_000, 100_000, 100_000]);
    });

    it("does nothing for no message", async () => {
      const { queue, drain } = await fixture({ fifo: false });
      expect(await sendAll(queue, [])).toEqual({ failed: [] });
      expect(await drain()).toEqual([]);
    });

    it("keeps each FIFO group in order", async () => {
      const { queue, drain } = await fixture({ fifo: true });
      expect(queue.fifo).toBe(true);
      const messages = Array.from({ length: 30 }, (_, i) => ({
        id: `m${i}`,
        body: `${"ABC"[i % 3]}-${i}`,
        groupId: `group-${"ABC"[i % 3]}`,
        deduplicationId: `dedup-${i}`,
      }));
      expect(await sendAll(queue, messages)).toEqual({ failed: [] });
      const received = await drain();
      for (const group of ["A", "B", "C"]) {
        const sent = messages.filter((m) => m.groupId === `group-${group}`).map((m) => m.body);
        const got = received.filter((m) => m.groupId === `group-${group}`).map((m) => m.body);
        expect(got).toEqual(sent);
      }
    });

    it("drops a FIFO message whose deduplication id was already sent", async () => {
      const { queue, drain } = await fixture({ fifo: true });
      const message = { id: "0", body: "once", groupId: "g", deduplicationId: "evt-1" };
      await sendAll(queue, [message]);
      expect(await sendAll(queue, [{ ...message, id: "1" }])).toEqual({ failed: [] });
      expect((await drain()).map((m) => m.body)).toEqual(["once"]);
    });
    it("reports a FIFO message without a group id as invalid and sends the others", async () => {
      const { queue, drain } = await fixture({ fifo: true });
      const report = await sendAll(queue, [
        { id: "a", body: "1", groupId: "g", deduplicationId: "d1" },
        { id: "no-group", body: "2", deduplicationId: "d2" },
        { id: "c", body: "3", groupId: "g", deduplicationId: "d3" },
      ]);
      expect(report.failed).toEqual([
        {
          id: "no-group",
          error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "no-group" }),
        },
      ]);
      expect((await drain()).map((m) => m.body)).toEqual(["1", "3"]);
    });

    it("returns a Configuration error naming a queue that does not exist", async () => {
      const { missing } = await fixture({ fifo: false });
      const result = await missing.queue.send([{ id: "a", body: "1" }], unboundedDeadline)();
      expect(result).toEqual(
        E.left(
          expect.objectContaining({
            _tag: "Configuration",
            resource: expect.stringContaining(missing.name),
          }),
        ),
      );
    });

    it("retries entries that failed transiently, sending each once", async () => {
      const { queue, drain, inject, sendCalls } = await fixture({ fifo: false });
      inject((call) =>
        call === 1
          ? {
              failEntry: (_, i) =>
                i % 2 === 0 ? { code: "InternalError", senderFault: false } : undefined,
            }
          : undefined,
      );
      const messages = Array.from({ length: 6 }, (_, i) => ({ id: `m${i}`, body: String(i) }));
      expect(await sendAll(queue, messages)).toEqual({ failed: [] });
      expect(sendCalls()).toBe(2);
      expect((await drain()).map((m) => m.body).sort()).toEqual(["0", "1", "2", "3", "4", "5"]);
    });

    it("reports what still fails after the retries as Transient", async () => {
      const { queue, drain, inject } = await fixture({ fifo: false });
      inject(() => ({
        failEntry: (entry) =>
          entry.body === "bad" ? { code: "ServiceUnavailable", senderFault: false } : undefined,
      }));
      const report = await sendAll(queue, [
        { id: "a", body: "ok" },
        { id: "b", body: "bad" },
      ]);
      expect(report.failed).toEqual([
        { id: "b", error: expect.objectContaining({ _tag: "Transient" }) },
      ]);
      expect((await drain()).map((m) => m.body)).toEqual(["ok"]);
    });

    it("reports an entry refused as the sender's fault as invalid, without retrying it", async () => {
      const { queue, inject, sendCalls } = await fixture({ fifo: false });
      inject(() => ({
        failEntry: () => ({ code: "InvalidMessageContents", senderFault: true }),
      }));
      const report = await sendAll(queue, [{ id: "x", body: "?" }]);
      expect(report.failed).toEqual([
        { id: "x", error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "x" }) },
      ]);
      expect(sendCalls()).toBe(1);
    });

    it("retries a throttled call", async () => {
      const { queue, drain, inject, sendCalls } = await fixture({ fifo: false });
      inject((call) => (call <= 2 ? { exception: "RequestThrottled" } : undefined));
      expect(await sendAll(queue, [{ id: "a", body: "1" }])).toEqual({ failed: [] });
      expect(sendCalls()).toBe(3);
      expect((await drain()).map((m) => m.body)).toEqual(["1"]);
    });

    it("resends a call refused as malformed entry by entry", async () => {
      const { queue, drain, inject, sendCalls } = await fixture({ fifo: false });
      inject((call) => (call === 1 ? { exception: "BatchRequestTooLong" } : undefined));
      const messages = [
        { id: "a", body: "1" },
        { id: "b", body: "2" },
      ];
      expect(await sendAll(queue, messages)).toEqual({ failed: [] });
      expect(sendCalls()).toBe(3);
      expect((await drain()).map((m) => m.body)).toEqual(["1", "2"]);
    });

    it("on FIFO queues sends none of a group's later messages once one of it failed", async () => {
      const { queue, drain, inject } = await fixture({ fifo: true });
      inject(() => ({
        failEntry: (entry) =>
          entry.body === "A-0" ? { code: "InternalError", senderFault: false } : undefined,
      }));
      const messages = Array.from({ length: 24 }, (_, i) => ({
        id: `m${i}`,
        body: `${"AB"[i % 2]}-${i}`,
        groupId: "AB"[i % 2] as string,
        deduplicationId: `d${i}`,
      }));
      const report = await sendAll(queue, messages);
      expect(report.failed.map((f) => f.id)).toEqual(
        messages.filter((m) => m.groupId === "A").map((m) => m.id),
      );
      expect(report.failed.every((f) => f.error._tag === "Transient")).toBe(true);
      const received = (await drain()).map((m) => m.body);
      expect(received).toEqual(messages.filter((m) => m.groupId === "B").map((m) => m.body));
    });
  });
