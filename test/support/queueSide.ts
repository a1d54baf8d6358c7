import type { SQSRecord } from "aws-lambda";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import {
  SqsEventSourceRunner,
  type SqsHandler,
} from "../../adapters/localAws/eventSources/SqsEventSourceRunner.js";
import type { VirtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import type { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import type { QueueSide } from "./commands/pipelineUnderTest.js";

/** What {@link queueSide} gives a rig: the commands' view, and a drain behind its upstream. */
export interface RigQueueSide extends QueueSide {
  pumpQueue(rounds: number, batchSize?: number): ReturnType<SqsEventSourceRunner["run"]>;
  /**
   * Runs `upstream` (what feeds the queue) and the queue in rounds until the queue is empty and
   * `caughtUp` (fault schedules are finite: faults run out); throws after 100 rounds.
   */
  drainAfter(upstream: () => Promise<void>, caughtUp: () => boolean): Promise<void>;
}

/**
 * The queue side of a rig (see test/support/commands): Lambda's SQS event source on an in-memory
 * queue, every message it delivered kept, and duplicates handed straight to the handler.
 * @example const side = queueSide(sqs, "rows", handler, clock, "queueToTable"); await side.pumpQueue(1, 10);
 */
export const queueSide = (
  sqs: InMemorySqs,
  queueName: string,
  handler: SqsHandler,
  clock: VirtualClock,
  functionName: string,
): RigQueueSide => {
  const delivered: SQSRecord[] = [];
  const recording: SqsHandler = (event, context) => {
    delivered.push(...event.Records);
    return handler(event, context);
  };
  const pumpQueue = (rounds: number, batchSize = 10) =>
    new SqsEventSourceRunner(sqs, queueName, recording, {
      clock: clock.now,
      advanceClock: clock.advance,
      batchSize,
      maxRounds: rounds,
    }).run();
  return {
    delivered,
    pumpQueue,
    redeliverMessages: (records) =>
      recording({ Records: [...records] }, localContext(functionName, 30_000, clock.now)).catch(
        () => undefined,
      ),
    drainAfter: async (upstream, caughtUp) => {
      for (let round = 0; round < 100; round++) {
        await upstream();
        const stats = await pumpQueue(1000);
        if (stats.drained && caughtUp()) return;
      }
      throw new Error("the pipeline did not drain");
    },
  };
};
