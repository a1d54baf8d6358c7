import type { InMemorySqs } from "../localAws/services/InMemorySqs.js";
import { MessageSourceOverSqs } from "../shared/MessageSourceOverSqs.js";
import { callService } from "../shared/serviceFailure.js";
import type { SqsSourceCalls } from "../shared/sqsSourceCalls.js";

/** The batch entries whose handle was stale, as SQS reports them (`Failed`, sender's fault). */
const staleEntries = <T extends { readonly Id?: string | undefined }>(
  entries: ReadonlyArray<T>,
  handled: (entry: T) => boolean,
) => {
  const outcomes = entries.map((entry) => ({ entry, ok: handled(entry) }));
  return {
    Successful: outcomes.filter((o) => o.ok).map((o) => ({ Id: o.entry.Id })),
    Failed: outcomes
      .filter((o) => !o.ok)
      .map((o) => ({
        Id: o.entry.Id,
        Code: "ReceiptHandleIsInvalid",
        Message: "the receipt handle has expired",
        SenderFault: true,
      })),
  };
};

/**
 * {@link SqsSourceCalls} on an {@link InMemorySqs}: ReceiveMessage (the request's visibility
 * timeout, the messages' attributes), DeleteMessageBatch and
 * ChangeMessageVisibilityBatch entry by entry (a stale handle is a `Failed` entry), GetQueueUrl.
 *
 * @example
 * const source = new MessageSourceOverSqs(inMemorySqsSourceCalls(sqs), "rows-dlq");
 */
export const inMemorySqsSourceCalls = (sqs: InMemorySqs): SqsSourceCalls => ({
  receiveMessage: (input) =>
    callService(async () => ({
      Messages: sqs
        .receive(
          input.QueueUrl ?? "",
          input.MaxNumberOfMessages ?? 1,
          input.VisibilityTimeout === undefined ? undefined : input.VisibilityTimeout * 1000,
        )
        .map((record) => ({
          MessageId: record.messageId,
          ReceiptHandle: record.receiptHandle,
          Body: record.body,
          Attributes:
            record.attributes.MessageGroupId === undefined
              ? {}
              : { MessageGroupId: record.attributes.MessageGroupId },
          MessageAttributes: Object.fromEntries(
            Object.entries(record.messageAttributes).map(([name, value]) => [
              name,
              {
                DataType: value.dataType,
                ...(value.stringValue === undefined ? {} : { StringValue: value.stringValue }),
                ...(value.binaryValue === undefined
                  ? {}
                  : { BinaryValue: Buffer.from(value.binaryValue, "base64") }),
              },
            ]),
          ),
        })),
    })),
  deleteMessageBatch: (input) =>
    callService(async () =>
      staleEntries(input.Entries ?? [], (entry) => sqs.deleteMessage(entry.ReceiptHandle ?? "")),
    ),
  changeMessageVisibilityBatch: (input) =>
    callService(async () =>
      staleEntries(input.Entries ?? [], (entry) =>
        sqs.changeVisibility(entry.ReceiptHandle ?? "", (entry.VisibilityTimeout ?? 0) * 1000),
      ),
    ),
  getQueueUrl: (input) =>
    callService(async () => ({ QueueUrl: sqs.queueUrl(input.QueueName ?? "") })),
});

/**
 * {@link MessageSourceOverSqs} on an {@link InMemorySqs} queue.
 * @example const source = new InMemoryMessageSource(sqs, "rows-dlq");
 */
export class InMemoryMessageSource extends MessageSourceOverSqs {
  constructor(sqs: InMemorySqs, queue: string) {
    super(inMemorySqsSourceCalls(sqs), queue);
  }
}
