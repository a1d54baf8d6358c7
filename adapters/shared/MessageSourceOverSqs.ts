import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import * as A from "fp-ts/lib/Array.js";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { configurationError, type PipelineError } from "../../domain/errors.js";
import type { MessageAttributes } from "../../domain/outgoingMessage.js";
import { queueOfArn } from "../../domain/redrivePlan.js";
import type { MessageSource, ReceivedMessage } from "../../ports/messageSource.js";
import { mapServiceError } from "./mapServiceError.js";
import type { SqsSourceCalls } from "./sqsSourceCalls.js";

/** Most entries per DeleteMessageBatch / ChangeMessageVisibilityBatch call. */
const BATCH = 10;
/** Long polling: an empty answer means the queue holds no visible message (not a sampling miss). */
const WAIT_SECONDS = 1;

const attributesOf = (
  attributes: Record<string, MessageAttributeValue> | undefined,
): MessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? "String",
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined
          ? {}
          : { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }),
      },
    ]),
  );

const toReceived = (message: Message): ReceivedMessage => {
  const groupId = message.Attributes?.MessageGroupId;
  return {
    id: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: attributesOf(message.MessageAttributes),
    ...(groupId === undefined ? {} : { groupId }),
  };
};

/**
 * {@link MessageSource} over {@link SqsSourceCalls}, whichever SQS they reach: ReceiveMessage
 * with the visibility timeout asked for, every message attribute and the system attributes
 * (MessageGroupId), a short poll and, when it finds nothing, a 1-second long poll to confirm; DeleteMessageBatch and ChangeMessageVisibilityBatch by
 * 10, entry ids by position, `Failed` entries answered by message id. A missing queue or refused
 * access → `Configuration`; throttling and 5xx → `Transient` (the SDK retried them already).
 *
 * @example
 * const source = new MessageSourceOverSqs(calls, "https://sqs.us-east-1.amazonaws.com/123456789012/rows-dlq.fifo");
 */
export class MessageSourceOverSqs implements MessageSource {
  readonly fifo: boolean;

  constructor(
    private readonly calls: SqsSourceCalls,
    private readonly queueUrl: string,
  ) {
    this.fifo = queueUrl.endsWith(".fifo");
  }

  readonly receive = (
    max: number,
    visibilitySeconds: number,
  ): TE.TaskEither<PipelineError, ReadonlyArray<ReceivedMessage>> => {
    const receive = (waitSeconds: number) =>
      pipe(
        this.calls.receiveMessage({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: max,
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: waitSeconds,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["MessageGroupId"],
        }),
        TE.bimap(this.mapError, (output) => (output.Messages ?? []).map(toReceived)),
      );
    // A short poll answers at once; an empty answer is confirmed by a long poll (a short poll
    // samples only some of SQS's servers, so it may come back empty from a queue with messages).
    return pipe(
      receive(0),
      TE.flatMap((messages) => (messages.length > 0 ? TE.right(messages) : receive(WAIT_SECONDS))),
    );
  };

  readonly delete = (
    messages: ReadonlyArray<ReceivedMessage>,
  ): TE.TaskEither<PipelineError, ReadonlyArray<string>> =>
    this.inBatches(messages, (batch) =>
      pipe(
        this.calls.deleteMessageBatch({
          QueueUrl: this.queueUrl,
          Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
        }),
        TE.map((output) => failedIds(batch, output.Failed)),
      ),
    );

  readonly release = (
    messages: ReadonlyArray<ReceivedMessage>,
  ): TE.TaskEither<PipelineError, ReadonlyArray<string>> =>
    this.inBatches(messages, (batch) =>
      pipe(
        this.calls.changeMessageVisibilityBatch({
          QueueUrl: this.queueUrl,
          Entries: batch.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
        TE.map((output) => failedIds(batch, output.Failed)),
      ),
    );

  private readonly mapError = (failure: Parameters<typeof mapServiceError>[0]): PipelineError =>
    mapServiceError(failure, `queue ${this.queueUrl}`);

  private readonly inBatches = (
    messages: ReadonlyArray<ReceivedMessage>,
    call: (
      batch: ReadonlyArray<ReceivedMessage>,
    ) => TE.TaskEither<Parameters<typeof mapServiceError>[0], ReadonlyArray<string>>,
  ): TE.TaskEither<PipelineError, ReadonlyArray<string>> =>
    pipe(
      A.chunksOf(BATCH)([...messages]),
      A.map((batch) => pipe(call(batch), TE.mapLeft(this.mapError))),
      TE.sequenceSeqArray,
      TE.map((failed) => failed.flat()),
    );
}

const failedIds = (
  batch: ReadonlyArray<ReceivedMessage>,
  failed: ReadonlyArray<{ readonly Id?: string | undefined }> | undefined,
): ReadonlyArray<string> =>
  (failed ?? []).flatMap((entry) => {
    const message = batch[Number(entry.Id)];
    return message === undefined ? [] : [message.id];
  });

/**
 * The URL of the queue an ARN names (GetQueueUrl with its name and owner account), through
 * {@link SqsSourceCalls}.
 * @example const url = await queueUrlOfArn(calls)("arn:aws:sqs:us-east-1:123456789012:rows.fifo")();
 */
export const queueUrlOfArn =
  (calls: Pick<SqsSourceCalls, "getQueueUrl">) =>
  (arn: string): TE.TaskEither<PipelineError, string> =>
    pipe(
      TE.fromEither(queueOfArn(arn)),
      TE.mapLeft((reason) => configurationError(arn, reason)),
      TE.flatMap(({ name, account }) =>
        pipe(
          calls.getQueueUrl({ QueueName: name, QueueOwnerAWSAccountId: account }),
          TE.mapLeft((failure) => mapServiceError(failure, `queue ${arn}`)),
        ),
      ),
      TE.flatMapEither((output) =>
        output.QueueUrl === undefined
          ? E.left(configurationError(`queue ${arn}`, "GetQueueUrl returned no URL"))
          : E.right(output.QueueUrl),
      ),
    );
