import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SendMessageBatchRequestEntry,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { SqsMessageQueue } from "../../adapters/aws/SqsMessageQueue.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import {
  type EntryFailure,
  type MessageQueueFixture,
  messageQueueContract,
  type QueueFault,
  type ReceivedMessage,
} from "./messageQueue.contract.js";

// The queue is reached through a fault proxy in front of moto_server: it forwards every call
// untouched unless a test injects a fault into this queue's SendMessageBatch calls.
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().moto);
});
afterAll(() => proxy.close());

interface BatchRequest {
  readonly QueueUrl?: string;
  readonly Entries?: ReadonlyArray<SendMessageBatchRequestEntry>;
}
interface BatchResponse {
  readonly Successful?: ReadonlyArray<unknown>;
  readonly Failed?: ReadonlyArray<unknown>;
}

messageQueueContract("SqsMessageQueue on moto", async ({ fifo }): Promise<MessageQueueFixture> => {
  const { sqs } = proxiedClients(proxy.endpoint);
  const name = uniqueName("contract") + (fifo ? ".fifo" : "");
  const { QueueUrl: url } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { VisibilityTimeout: "30", ...(fifo ? { FifoQueue: "true" } : {}) },
    }),
  );
  if (url === undefined) throw new Error("CreateQueue returned no QueueUrl");
  let fault: QueueFault | undefined;
  let calls = 0;
  proxy.rule = ({ operation, body }) => {
    const request = body as BatchRequest | undefined;
    if (operation !== "SendMessageBatch" || request?.QueueUrl !== url) return undefined;
    calls += 1;
    const action = fault?.(calls);
    if (action === undefined) return undefined;
    if ("exception" in action) return { error: action.exception };
    const entries = request.Entries ?? [];
    // As InMemorySqs models SQS: on a FIFO queue an entry that fails fails the later entries of
    // its group in the same call (entries of a batch are enqueued in order). AWS does not document
    // this case and moto cannot fail an entry, so the injected fault carries the assumption.
    const failedGroups = new Map<string, EntryFailure>();
    const failures = entries.map((entry, index) => {
      const group = fifo ? entry.MessageGroupId : undefined;
      const earlier = group === undefined ? undefined : failedGroups.get(group);
      if (earlier !== undefined) return { code: "InternalError", senderFault: false };
      const failure = action.failEntry({ body: entry.MessageBody ?? "" }, index);
      if (failure !== undefined && group !== undefined) failedGroups.set(group, failure);
      return failure;
    });
    const failed = entries.flatMap((entry, index) => {
      const failure = failures[index];
      return failure === undefined
        ? []
        : [
            {
              Id: entry.Id,
              Code: failure.code,
              Message: `injected ${failure.code}`,
              SenderFault: failure.senderFault,
            },
          ];
    });
    const sent = entries.filter((_, index) => failures[index] === undefined);
    if (sent.length === 0) return { reply: { Successful: [], Failed: failed } };
    return {
      forward: { ...request, Entries: sent },
      answer: (response) => ({
        ...(response as BatchResponse),
        Failed: [...((response as BatchResponse).Failed ?? []), ...failed],
      }),
    };
  };
  const drain = async (): Promise<ReadonlyArray<ReceivedMessage>> => {
    const out: ReceivedMessage[] = [];
    // Bounded: every round deletes what it received; an empty receive means the queue is empty.
    for (let round = 0; round < 1_000; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ["MessageGroupId"],
        }),
      );
      if (Messages.length === 0) return out;
      for (const message of Messages) {
        const groupId = message.Attributes?.MessageGroupId;
        out.push({ body: message.Body ?? "", ...(groupId === undefined ? {} : { groupId }) });
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: Messages.map((message, i) => ({
            Id: String(i),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    throw new Error(`queue ${name} did not drain`);
  };
  const missing = uniqueName("missing");
  return {
    queue: new SqsMessageQueue(sqs, url, noWaitRetryEnv),
    drain,
    missing: {
      queue: new SqsMessageQueue(sqs, url.replace(name, missing), noWaitRetryEnv),
      name: missing,
    },
    inject: (next) => {
      fault = next;
      calls = 0;
    },
    sendCalls: () => calls,
  };
});
