import type { BatchingLimits } from "../../domain/messageBatching.js";
import type { InMemorySqs } from "../localAws/services/InMemorySqs.js";
import { MessageQueueOverSqs } from "../shared/MessageQueueOverSqs.js";
import type { RetryEnv } from "../shared/retry.js";
import { inMemorySqsCalls } from "./inMemorySqsCalls.js";

/**
 * {@link MessageQueueOverSqs} on an {@link InMemorySqs} queue: the SQS adapter's chunking
 * (10 entries, 256 KiB), retries of transiently failed entries and FIFO group blocking, run
 * against the simulator.
 *
 * @example
 * const queue = new InMemoryMessageQueue(sqs, "replica.fifo", noWaitRetryEnv);
 * const report = await queue.send([{ id: "0", body: "{}", groupId: "k", deduplicationId: "e1" }], deadline)();
 */
export class InMemoryMessageQueue extends MessageQueueOverSqs {
  constructor(
    sqs: InMemorySqs,
    /** The queue's name or URL, then as {@link MessageQueueOverSqs}. */
    ...queue: [queue: string, retry?: RetryEnv, limits?: BatchingLimits]
  ) {
    super(inMemorySqsCalls(sqs), ...queue);
  }
}
