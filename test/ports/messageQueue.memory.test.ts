import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import { InMemoryMessageQueue } from "../../adapters/memory/InMemoryMessageQueue.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { virtualClock } from "../support/sqs.js";
import {
  type MessageQueueFixture,
  messageQueueContract,
  type QueueFault,
} from "./messageQueue.contract.js";

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

// The same suite runs on moto_server (messageQueue.sqs.test.ts); faults are injected with
// InMemorySqs.fault here and with a fault proxy there.
messageQueueContract("InMemoryMessageQueue", async ({ fifo }): Promise<MessageQueueFixture> => {
  const sqs = new InMemorySqs(virtualClock().now);
  const name = fifo ? "q.fifo" : "q";
  sqs.createQueue(name, { visibilityTimeoutSeconds: 30 });
  let fault: QueueFault | undefined;
  let calls = 0;
  sqs.fault = (operation) => {
    if (operation !== "SendMessageBatch") return undefined;
    calls += 1;
    const action = fault?.(calls);
    return action === undefined || "failEntry" in action ? action : action.exception;
  };
  return {
    queue: new InMemoryMessageQueue(sqs, sqs.queueUrl(name), noWaitRetryEnv),
    drain: drainOf(sqs, name),
    missing: { queue: new InMemoryMessageQueue(sqs, "missing", noWaitRetryEnv), name: "missing" },
    inject: (next) => {
      fault = next;
      calls = 0;
    },
    sendCalls: () => calls,
  };
});
