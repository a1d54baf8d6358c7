import type { SendMessageBatchCommandInput, SendMessageBatchResult } from "@aws-sdk/client-sqs";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The SQS operation the shared message queue needs, SDK-shaped (request, response, failure).
 * Bound to SQS by adapters/aws and to the in-memory SQS by adapters/memory.
 *
 * @example
 * const output = await calls.sendMessageBatch({ QueueUrl: url, Entries: [{ Id: "0", MessageBody: "{}" }] })();
 */
export interface SqsCalls {
  readonly sendMessageBatch: (
    input: SendMessageBatchCommandInput,
  ) => TE.TaskEither<ServiceFailure, SendMessageBatchResult>;
}
