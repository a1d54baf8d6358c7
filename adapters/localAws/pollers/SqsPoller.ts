import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSMessageAttribute, SQSRecord } from "aws-lambda";
import { localContext } from "../eventSources/localContext.js";
import type { SqsHandler } from "../eventSources/SqsEventSourceRunner.js";

/** How the poller receives, as the matching event source mapping settings would. */
export interface SqsPollerOptions {
  /** Messages per invocation, 1–10 (Lambda's `BatchSize`, one ReceiveMessage). Default 10. */
  readonly batchSize?: number;
  /** Long polling wait of each ReceiveMessage, 0–20 s. Default 1. */
  readonly waitTimeSeconds?: number;
  /** Receives in a row that return nothing after which `run()` returns. Default 2. */
  readonly maxEmptyPolls?: number;
  /** Name and timeout of the Lambda context passed to the handler. */
  readonly functionName?: string;
  readonly timeoutMs?: number;
}

/** What `run()` did. */
export interface SqsPollStats {
  readonly invocations: number;
  /** Messages deleted after their invocation succeeded for them. */
  readonly deleted: number;
  /** Messages reported failed, or in a batch whose handler threw: SQS delivers them again. */
  readonly failed: number;
  /** Invocations that threw. */
  readonly errors: number;
}

const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

const toLambdaAttribute = (value: MessageAttributeValue): SQSMessageAttribute => ({
  ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
  ...(value.BinaryValue === undefined ? {} : { binaryValue: toBase64(value.BinaryValue) }),
  stringListValues: [...(value.StringListValues ?? [])],
  binaryListValues: (value.BinaryListValues ?? []).map(toBase64),
  dataType: value.DataType ?? "String",
});

/**
 * A message as ReceiveMessage returns it (with every system attribute) in the shape Lambda's SQS
 * event source delivers it: `messageId`, `receiptHandle`, `body`, `attributes`
 * (ApproximateReceiveCount, SentTimestamp, MessageGroupId…), `messageAttributes` (binary in
 * base64), `eventSource` `aws:sqs`, `eventSourceARN` = the queue ARN.
 * @example toLambdaSqsRecord(response.Messages[0], queueArn, "us-east-1")
 */
export const toLambdaSqsRecord = (
  message: Message,
  queueArn: string,
  region: string,
): SQSRecord => {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "0",
      SenderId: attributes.SenderId ?? "",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "0",
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
};

/**
 * Lambda's SQS event source mapping with `ReportBatchItemFailures`, for local runs (moto,
 * LocalStack) or scripts against AWS: ReceiveMessage (long polling, every system and message
 * attribute) → the handler (e.g. handlers/queueToTable.ts `handler`) with Lambda's `SQSRecord`s →
 * DeleteMessageBatch of the messages that succeeded. Failed messages (listed in
 * `batchItemFailures`, or all of them when the handler threw or listed an id not in the batch)
 * are left alone: SQS delivers them again after the visibility timeout, and moves them to the
 * dead-letter queue after `maxReceiveCount` receives. `run()` returns after `maxEmptyPolls`
 * receives in a row found nothing; a message still invisible then is left for the next run.
 *
 * @example
 * const poller = new SqsPoller(new SQSClient({}), queueUrl, handler, { batchSize: 10 });
 * const stats = await poller.run(); // { invocations: 2, deleted: 13, failed: 0, errors: 0 }
 */
export class SqsPoller {
  private queue: Promise<{ readonly arn: string; readonly region: string }> | undefined;

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    private readonly handler: SqsHandler,
    private readonly options: SqsPollerOptions = {},
  ) {}

  /** Receives and invokes until the queue stays empty for `maxEmptyPolls` receives. */
  async run(): Promise<SqsPollStats> {
    const { maxEmptyPolls = 2 } = this.options;
    const stats = { invocations: 0, deleted: 0, failed: 0, errors: 0 };
    let empty = 0;
    while (empty < maxEmptyPolls) {
      const records = await this.receive();
      if (records.length === 0) {
        empty += 1;
        continue;
      }
      empty = 0;
      const failed = await this.invoke(records, stats);
      stats.failed += failed.size;
      const done = records.filter((record) => !failed.has(record.messageId));
      stats.deleted += await this.delete(done);
    }
    return stats;
  }

  private async receive(): Promise<ReadonlyArray<SQSRecord>> {
    const { arn, region } = await this.queueInfo();
    const { Messages } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(this.options.batchSize ?? 10, 1), 10),
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    return (Messages ?? []).map((message) => toLambdaSqsRecord(message, arn, region));
  }

  /** Invokes the handler; returns the ids of the messages that failed. */
  private async invoke(
    records: ReadonlyArray<SQSRecord>,
    stats: { invocations: number; errors: number },
  ): Promise<ReadonlySet<string>> {
    stats.invocations += 1;
    const all = new Set(records.map((record) => record.messageId));
    try {
      const context = localContext(
        this.options.functionName ?? "sqs-consumer",
        this.options.timeoutMs ?? 60_000,
      );
      const response = await this.handler({ Records: [...records] }, context);
      const ids = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // Lambda fails the whole batch when an identifier is not one of its messages.
      return ids.every((id) => all.has(id)) ? new Set(ids) : all;
    } catch {
      stats.errors += 1;
      return all;
    }
  }

  /** DeleteMessageBatch (≤ 10 per call); returns how many were deleted. */
  private async delete(records: ReadonlyArray<SQSRecord>): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < records.length; start += 10) {
      const chunk = records.slice(start, start + 10);
      const { Successful } = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((record, i) => ({
            Id: String(i),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
      deleted += Successful?.length ?? 0;
    }
    return deleted;
  }

  private queueInfo(): Promise<{ readonly arn: string; readonly region: string }> {
    this.queue ??= (async () => {
      const { Attributes } = await this.client.send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }),
      );
      return {
        arn: Attributes?.QueueArn ?? this.queueUrl,
        region: await this.client.config.region(),
      };
    })();
    return this.queue;
  }
}
