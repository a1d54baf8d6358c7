import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { MessageQueue, OutgoingMessage, SendReport } from "../../ports/messageQueue.js";

/** A message read back from the queue. */
export interface ReceivedMessage {
  readonly body: string;
  readonly groupId?: string;
}

/** A queue under test, with a way to read back (receive and delete) everything it holds. */
export interface MessageQueueFixture {
  readonly queue: MessageQueue;
  /** Receives and deletes every message now in the queue, in delivery order. */
  readonly drain: () => Promise<ReadonlyArray<ReceivedMessage>>;
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
 * The MessageQueue contract, run against every adapter (in memory now, SQS on an emulator later).
 * `fixture({ fifo })` returns a fresh, empty queue of that type.
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
  });
