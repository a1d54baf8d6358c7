import type * as TE from "fp-ts/lib/TaskEither.js";
import type { Deadline } from "../../../domain/deadline.js";
import type { PipelineError } from "../../../domain/errors.js";
import type { OutgoingMessage } from "../../../domain/outgoingMessage.js";
import type { MessageQueue, SendReport } from "../../../ports/messageQueue.js";
import type { FaultPlan } from "./faultPlan.js";
import { type FaultSite, faultyBatch, randomSubset } from "./faultyCalls.js";

type Failed = SendReport["failed"][number];

/**
 * {@link MessageQueue} decorator that injects the faults of a {@link FaultPlan} into `send`, in
 * front of any queue (in memory, SQS). `transient` and `timeout` fail the call; `partial` sends
 * some messages and reports the others failed (SendMessageBatch `Failed`, not the sender's
 * fault); crashes reject. The port's FIFO promise is kept: on a FIFO queue, a group whose message
 * failed gets none of its later messages sent.
 *
 * @example
 * const queue = new FaultyMessageQueue(new SqsMessageQueue(client, url), FaultPlan.schedule(["partial"]));
 */
export class FaultyMessageQueue implements MessageQueue {
  readonly fifo: boolean;
  private readonly site: FaultSite;

  constructor(
    private readonly inner: MessageQueue,
    plan: FaultPlan,
  ) {
    this.fifo = inner.fifo;
    this.site = { plan, port: "MessageQueue", operation: "SendMessageBatch" };
  }

  readonly send =
    (
      messages: ReadonlyArray<OutgoingMessage>,
      deadline: Deadline,
    ): TE.TaskEither<PipelineError, SendReport> =>
    () =>
      faultyBatch<OutgoingMessage, Failed>(this.site, {
        units: messages,
        deadline,
        write: (some) => this.inner.send(some, deadline)(),
        failure: (message, error) => ({ id: message.id, error }),
        failing: (units) => this.failing(units),
        cancelPerUnit: false,
      });

  /** A random subset; on FIFO queues closed over later messages of each failed group. */
  private failing(messages: ReadonlyArray<OutgoingMessage>): ReadonlySet<OutgoingMessage> {
    const failing = randomSubset(this.site.plan, messages);
    if (!this.fifo) return failing;
    const blocked = new Set<string>();
    for (const message of messages) {
      const group = message.groupId;
      if (group === undefined) continue;
      if (blocked.has(group)) failing.add(message);
      else if (failing.has(message)) blocked.add(group);
    }
    return failing;
  }
}
