import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { SqsMessageQueue } from "../adapters/aws/SqsMessageQueue.js";
import { describeError, toThrowable } from "../domain/errors.js";
import { decodeChangeRecord } from "../domain/streamRecord.js";
import type { MessageQueue } from "../ports/messageQueue.js";
import type { RejectSink } from "../ports/rejectSink.js";
import { forwardChanges } from "../ports/useCases/forwardChanges.js";
import {
  type BatchMetrics,
  eventSize,
  rejectedEvent,
  retriedOnError,
} from "./lambda/batchMetrics.js";
import { firstFailure } from "./lambda/batchResponse.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { readEnv } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { sqsQueueUrl } from "./lambda/queueUrl.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import { settleStreamBatch } from "./lambda/settleStreamBatch.js";
import { rejectionOf } from "./lambda/streamRejects.js";

/**
 * SQS-safe group/deduplication ids and the FIFO group of an item (see ports/useCases/forwardChanges.ts).
 * @example messageGroupIdOf({ id: { S: "a" } }) // '[["id",{"S":"a"}]]'
 */
export { messageGroupIdOf, sqsSafeId } from "../ports/useCases/forwardChanges.js";
/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", queueName: "replica.fifo", sourceStreamArn }).functionCode
 */
export { streamToQueuePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the stream-to-queue handler needs.
 * @example const deps: StreamToQueueDeps = { queue: new SqsMessageQueue(sqs, queueUrl), rejects };
 */
export interface StreamToQueueDeps {
  readonly queue: MessageQueue;
  readonly rejects: RejectSink;
  /** Operational notes (transient failures); silent by default. */
  readonly log?: (message: string, detail: Readonly<Record<string, unknown>>) => void;
  /** Where each invocation's counts go (handlers/lambda/batchMetrics.ts); none by default. */
  readonly metrics?: BatchMetrics;
}

/**
 * DynamoDB stream → SQS, correct under at-least-once delivery: the records are decoded and
 * forwarded by {@link forwardChanges} (one command per message; on FIFO queues the item's key as
 * group, so a key's changes are delivered in order, and a deduplication id unique to the
 * invocation, so a retry enqueues what it resends in order, after everything earlier). Records
 * that can never succeed (undecodable, too big for a message) go to `deps.rejects` and are
 * skipped. When some messages could not be sent, the response names the SequenceNumber of the
 * FIRST record not sent: Lambda retries from there, and nothing after it is reported done
 * (rejects after it are reported on the retry). A `Configuration` error fails the invocation
 * (the whole batch is retried).
 *
 * @example
 * export const handler = createStreamToQueueHandler({ queue, rejects: new LogRejectSink("replica") });
 */
export const createStreamToQueueHandler = (deps: StreamToQueueDeps) => {
  const forward = forwardChanges(deps.queue);
  return middy(
    async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
      const records = await eventRecords(event, deps.rejects);
      const report = await forward(records.map(decodeChangeRecord), deadlineOf(context))();
      if (E.isLeft(report)) throw toThrowable(report.left);
      const first = firstFailure(report.right.failed);
      const { response, reported, counts } = await settleStreamBatch(
        deps.rejects,
        records,
        (index) => records[index]?.dynamodb?.SequenceNumber,
        first?.index,
        report.right.rejected,
        rejectionOf,
      );
      deps.metrics?.(counts(0, rejectedEvent(event)));
      if (reported !== response) return reported;
      const [resumeAt] = response.batchItemFailures;
      if (first !== undefined && resumeAt !== undefined)
        deps.log?.("some records were not sent; Lambda retries from the first", {
          sequenceNumber: resumeAt.itemIdentifier,
          notSent: records.length - first.index,
          error: describeError(first.error),
        });
      return response;
    },
  )
    .use(retriedOnError(deps.metrics, eventSize))
    .use(pipelineFailures("streamToQueue"));
};

/**
 * The Lambda entry point: `QUEUE_URL` from the environment, SQS client from the default
 * credential/region chain, rejects logged as structured lines.
 * @example // template.yaml: Handler: handlers/streamToQueue.handler, Environment: QUEUE_URL
 */
export const handler = entryPoint("streamToQueue", (env, metrics) =>
  pipe(
    readEnv(env, { QUEUE_URL: sqsQueueUrl(env), REJECT_DESTINATION: rejectDestinationVar }),
    E.map(({ QUEUE_URL, REJECT_DESTINATION }) =>
      createStreamToQueueHandler({
        queue: new SqsMessageQueue(new SQSClient(retriedByTheLibrary), QUEUE_URL),
        rejects: rejectSinkFor("streamToQueue", REJECT_DESTINATION, env, { warnWhenLogged: true }),
        metrics,
      }),
    ),
  ),
);
