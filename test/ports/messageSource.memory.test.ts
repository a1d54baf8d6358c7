import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import {
  InMemoryMessageSource,
  inMemorySqsSourceCalls,
} from "../../adapters/memory/InMemoryMessageSource.js";
import { queueUrlOfArn } from "../../adapters/shared/MessageSourceOverSqs.js";
import { virtualClock } from "../support/sqs.js";
import { type MessageSourceFixture, messageSourceContract } from "./messageSource.contract.js";

// The same suite runs on moto_server (messageSource.sqs.test.ts).
messageSourceContract("InMemoryMessageSource", async ({ fifo }): Promise<MessageSourceFixture> => {
  const sqs = new InMemorySqs(virtualClock().now);
  const name = fifo ? "dlq.fifo" : "dlq";
  const url = sqs.createQueue(name, { visibilityTimeoutSeconds: 30 });
  let sent = 0;
  return {
    source: new InMemoryMessageSource(sqs, url),
    directory: { urlOf: queueUrlOfArn(inMemorySqsSourceCalls(sqs)) },
    arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    url,
    put: async (bodies) => {
      for (const body of bodies) {
        sent += 1;
        sqs.sendBatch(name, [
          { id: "0", body, ...(fifo ? { groupId: "g", deduplicationId: `d${sent}` } : {}) },
        ]);
      }
    },
    missing: {
      source: new InMemoryMessageSource(sqs, url.replace(name, "gone")),
      arn: "arn:aws:sqs:us-east-1:000000000000:gone",
    },
  };
});
