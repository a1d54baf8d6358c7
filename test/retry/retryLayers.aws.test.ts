import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emulatorEnvironment } from "../../bin/localEmulators.js";
import { defaultRetryPolicy } from "../../domain/retryPolicy.js";
import { emulatorClients, emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";

/**
 * The deployable entry points retry with ONE policy: the library's, bounded by the invocation's
 * deadline. The SDK clients of retrying adapters make one attempt per call, so a table that
 * throttles every write sees at most the policy's attempts, not the policy's × the SDK's.
 */
describe("one retry layer in the entry points", () => {
  let proxy: FaultProxy;
  const table = uniqueName("retry-layers");

  beforeAll(async () => {
    await emulatorClients().dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    proxy = await startFaultProxy(emulatorEndpoints().dynamodb);
  });
  afterAll(() => proxy.close());

  it("queueToTable makes at most the policy's attempts on a throttling table, then reports the messages failed", async () => {
    Object.assign(process.env, emulatorEnvironment(emulatorEndpoints()), {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      TABLE_NAME: table,
    });
    vi.resetModules();
    const { handler } = await import("../../handlers/queueToTable.js");
    proxy.rule = ({ operation }) =>
      operation === "BatchWriteItem" ? { error: "ThrottlingException", status: 400 } : undefined;
    const body = JSON.stringify({
      v: 1,
      commands: [{ op: "put", key: { pk: { S: "a" } }, item: { pk: { S: "a" } }, source: "s1" }],
    });
    const event = {
      Records: [
        {
          messageId: "m1",
          body,
          receiptHandle: "r",
          attributes: {},
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:q.fifo",
          awsRegion: "us-east-1",
        },
      ],
    } as unknown as SQSEvent;
    const context = { getRemainingTimeInMillis: () => 600_000 } as never;
    const response = await handler(event, context);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    expect(proxy.calls("BatchWriteItem")).toBe(defaultRetryPolicy.maxAttempts);
  }, 60_000);
});
