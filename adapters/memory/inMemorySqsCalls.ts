import type { InMemorySqs } from "../localAws/services/InMemorySqs.js";
import { callService } from "../shared/serviceFailure.js";
import type { SqsCalls } from "../shared/sqsCalls.js";

/**
 * {@link SqsCalls} on an {@link InMemorySqs}: SendMessageBatch's entries (message attributes
 * included) translated onto the simulator's `sendBatch` (the queue by URL or name), its result returned in the SDK's shape and
 * its SDK-shaped errors (batch limits, missing queue, injected faults) returned as failures.
 *
 * @example
 * const queue = new MessageQueueOverSqs(inMemorySqsCalls(sqs), "replica.fifo");
 */
export const inMemorySqsCalls = (sqs: InMemorySqs): SqsCalls => ({
  sendMessageBatch: ({ QueueUrl, Entries }) =>
    callService(async () => {
      const result = sqs.sendBatch(
        QueueUrl ?? "",
        (Entries ?? []).map((entry) => ({
          id: entry.Id ?? "",
          body: entry.MessageBody ?? "",
          ...(entry.MessageGroupId === undefined ? {} : { groupId: entry.MessageGroupId }),
          ...(entry.MessageDeduplicationId === undefined
            ? {}
            : { deduplicationId: entry.MessageDeduplicationId }),
          ...(entry.MessageAttributes === undefined
            ? {}
            : {
                attributes: Object.fromEntries(
                  Object.entries(entry.MessageAttributes).map(([name, value]) => [
                    name,
                    {
                      dataType: value.DataType ?? "String",
                      ...(value.StringValue === undefined
                        ? {}
                        : { stringValue: value.StringValue }),
                      ...(value.BinaryValue === undefined
                        ? {}
                        : { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }),
                    },
                  ]),
                ),
              }),
        })),
      );
      return {
        Successful: result.successful.map(({ id, messageId }) => ({
          Id: id,
          MessageId: messageId,
          MD5OfMessageBody: undefined,
        })),
        Failed: result.failed.map(({ id, code, message, senderFault }) => ({
          Id: id,
          Code: code,
          Message: message,
          SenderFault: senderFault,
        })),
      };
    }),
});
