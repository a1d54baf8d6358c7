import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { SqsMessageSource, sqsQueueDirectory } from "../../adapters/aws/SqsMessageSource.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { type MessageSourceFixture, messageSourceContract } from "./messageSource.contract.js";

const { sqs } = emulatorClients();

// The same suite runs on the in-memory SQS (messageSource.memory.test.ts).
messageSourceContract(
  "SqsMessageSource on moto",
  async ({ fifo }): Promise<MessageSourceFixture> => {
    const name = uniqueName("dlq") + (fifo ? ".fifo" : "");
    const { QueueUrl: url } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: "30", ...(fifo ? { FifoQueue: "true" } : {}) },
      }),
    );
    if (url === undefined) throw new Error("CreateQueue returned no QueueUrl");
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
    );
    const arn = Attributes?.QueueArn ?? "";
    let sent = 0;
    const gone = uniqueName("gone");
    return {
      source: new SqsMessageSource(sqs, url),
      directory: sqsQueueDirectory(sqs),
      arn,
      url,
      put: async (bodies) => {
        for (const body of bodies) {
          sent += 1;
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: body,
              ...(fifo ? { MessageGroupId: "g", MessageDeduplicationId: `d${sent}` } : {}),
            }),
          );
        }
      },
      missing: {
        source: new SqsMessageSource(sqs, url.replace(name, gone)),
        arn: arn.replace(name, gone),
      },
    };
  },
);
