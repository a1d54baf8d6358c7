import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { InMemorySqs } from "../../adapters/memory/InMemorySqs.js";
import { noWaitRetryEnv } from "../../adapters/retry.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { OutgoingMessage, SendReport } from "../../ports/messageQueue.js";
import { virtualClock } from "../helpers/sqs.js";
import { type MessageQueueFixture, messageQueueContract } from "./messageQueue.contract.js";

const drainOf = (sqs: InMemorySqs, queue: string) => async () => {
  const out: { body: string; groupId?: string }[] = [];
  for (;;) {
    const records = sqs.receive(queue, 10);
    if (records.length === 0) return out;
    for (const record of records) {
      const groupId = record.attributes.MessageGroupId;
      out.push({ body: record.body, ...(groupId === undefined ? {} : { groupId }) });
      sqs.deleteMessage(record.receiptHandle);
    }
  }
};

const setup = (fifo: boolean) => {
  const clock = virtualClock();
  const sqs = new InMemorySqs(clock.now);
  const name = fifo ? "q.fifo" : "q";
  sqs.createQueue(name, { visibilityTimeoutSeconds: 30 });
  const queue = new InMemoryMessageQueue(sqs, sqs.queueUrl(name), noWaitRetryEnv);
  return { clock, sqs, name, queue, drain: drainOf(sqs, name) };
};

messageQueueContract(
  "InMemoryMessageQueue",
  async ({ fifo }): Promise<MessageQueueFixture> => setup(fifo),
);

const send = async (
  queue: InMemoryMessageQueue,
  messages: ReadonlyArray<OutgoingMessage>,
): Promise<SendReport> => {
  const result = await queue.send(messages, unboundedDeadline)();
  if (E.isLeft(result)) throw new Error(JSON.stringify(result.left));
  return result.right;
};

describe("InMemoryMessageQueue faults", () => {
  it("retries entries that failed transiently, sending each once", async () => {
    const { sqs, queue, drain } = setup(false);
    let calls = 0;
    sqs.fault = () => {
      calls += 1;
      return calls === 1
        ? {
            failEntry: (_, i) =>
              i % 2 === 0 ? { code: "InternalError", senderFault: false } : undefined,
          }
        : undefined;
    };
    const messages = Array.from({ length: 6 }, (_, i) => ({ id: `m${i}`, body: String(i) }));
    expect(await send(queue, messages)).toEqual({ failed: [] });
    expect(calls).toBe(2);
    expect((await drain()).map((m) => m.body).sort()).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("reports what still fails after the retries as Transient", async () => {
    const { sqs, queue, drain } = setup(false);
    sqs.fault = () => ({
      failEntry: (entry) =>
        entry.body === "bad" ? { code: "ServiceUnavailable", senderFault: false } : undefined,
    });
    const report = await send(queue, [
      { id: "a", body: "ok" },
      { id: "b", body: "bad" },
    ]);
    expect(report.failed).toEqual([
      { id: "b", error: expect.objectContaining({ _tag: "Transient" }) },
    ]);
    expect((await drain()).map((m) => m.body)).toEqual(["ok"]);
  });

  it("reports an entry refused as the sender's fault as invalid, without retrying it", async () => {
    const { sqs, queue } = setup(false);
    let calls = 0;
    sqs.fault = () => {
      calls += 1;
      return { failEntry: () => ({ code: "InvalidMessageContents", senderFault: true }) };
    };
    const report = await send(queue, [{ id: "x", body: "?" }]);
    expect(report.failed).toEqual([
      { id: "x", error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "x" }) },
    ]);
    expect(calls).toBe(1);
  });

  it("retries a throttled call", async () => {
    const { sqs, queue, drain } = setup(false);
    let calls = 0;
    sqs.fault = () => (++calls <= 2 ? "RequestThrottled" : undefined);
    expect(await send(queue, [{ id: "a", body: "1" }])).toEqual({ failed: [] });
    expect((await drain()).map((m) => m.body)).toEqual(["1"]);
  });

  it("resends a call refused as malformed entry by entry", async () => {
    const { sqs, queue, drain } = setup(false);
    let calls = 0;
    sqs.fault = () => (++calls === 1 ? "BatchRequestTooLong" : undefined);
    const messages = [
      { id: "a", body: "1" },
      { id: "b", body: "2" },
    ];
    expect(await send(queue, messages)).toEqual({ failed: [] });
    expect(calls).toBe(3);
    expect((await drain()).map((m) => m.body)).toEqual(["1", "2"]);
  });

  it("returns a Configuration error when the queue does not exist", async () => {
    const sqs = new InMemorySqs(() => 0);
    const queue = new InMemoryMessageQueue(sqs, "missing", noWaitRetryEnv);
    const result = await queue.send([{ id: "a", body: "1" }], unboundedDeadline)();
    expect(result).toEqual(
      E.left(expect.objectContaining({ _tag: "Configuration", resource: "queue missing" })),
    );
  });

  it("on FIFO queues sends none of a group's later messages once one of it failed", async () => {
    const { sqs, queue, drain } = setup(true);
    sqs.fault = () => ({
      failEntry: (entry) =>
        entry.body === "A-0" ? { code: "InternalError", senderFault: false } : undefined,
    });
    const messages = Array.from({ length: 24 }, (_, i) => ({
      id: `m${i}`,
      body: `${"AB"[i % 2]}-${i}`,
      groupId: "AB"[i % 2] as string,
      deduplicationId: `d${i}`,
    }));
    const report = await send(queue, messages);
    const failedIds = report.failed.map((f) => f.id);
    expect(failedIds).toEqual(messages.filter((m) => m.groupId === "A").map((m) => m.id));
    expect(report.failed.every((f) => f.error._tag === "Transient")).toBe(true);
    const received = (await drain()).map((m) => m.body);
    expect(received).toEqual(messages.filter((m) => m.groupId === "B").map((m) => m.body));
  });
});
