import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type StreamViewType,
} from "@aws-sdk/client-dynamodb";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { vi } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { captureRejectLog, type LoggedReject } from "../../bin/rejectLog.js";
import { quickStreamPolling, setHandlerEnvironment } from "./awsPipelines.js";

/**
 * Creates an on-demand table keyed by `key` (name → S/N/B, partition key first), with a stream of
 * the given view type when one is given; returns the stream ARN ("" without a stream).
 * @example const arn = await createViewTypeTable(dynamodb, "orders", { order_id: "S" }, "KEYS_ONLY");
 */
export const createViewTypeTable = async (
  client: DynamoDBClient,
  name: string,
  key: Readonly<Record<string, "S" | "N" | "B">>,
  viewType?: StreamViewType,
): Promise<string> => {
  const names = Object.keys(key);
  const result = await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: names.map(
        (n): AttributeDefinition => ({ AttributeName: n, AttributeType: key[n] }),
      ),
      KeySchema: names.map(
        (n, i): KeySchemaElement => ({ AttributeName: n, KeyType: i === 0 ? "HASH" : "RANGE" }),
      ),
      ...(viewType === undefined
        ? {}
        : { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } }),
    }),
  );
  return result.TableDescription?.LatestStreamArn ?? "";
};

type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse>;

/**
 * A freshly imported streamAggregate `handler` (its own module instance) configured with exactly
 * `variables` (AGGREGATE_SPEC and AGGREGATION_ID unset unless given), as a second deployed
 * function would be. It reads its environment at its first invocation, made here (empty batch).
 */
export const deployedStreamAggregate = async (
  variables: Readonly<Record<string, string>>,
): Promise<StreamHandler> => {
  vi.resetModules();
  delete process.env.AGGREGATE_SPEC;
  delete process.env.AGGREGATION_ID;
  setHandlerEnvironment(variables);
  const { handler } = await import("../../handlers/streamAggregate.js");
  await handler({ Records: [] }, {} as Context).catch(() => undefined);
  return handler;
};

/**
 * Polls a stream from its start into `handler` (as Lambda's event source mapping would) and
 * returns the batch responses and the records the handler reported as rejected.
 * @example const { responses, rejected } = await pollRejects(handler, c.streams, streamArn);
 */
export const pollRejects = async (
  handler: StreamHandler,
  streams: ConstructorParameters<typeof DynamoDbStreamPoller>[0],
  streamArn: string,
): Promise<{
  readonly responses: ReadonlyArray<DynamoDBBatchResponse>;
  readonly rejected: ReadonlyArray<LoggedReject>;
  readonly records: number;
}> => {
  const responses: DynamoDBBatchResponse[] = [];
  const log = captureRejectLog();
  try {
    const stats = await new DynamoDbStreamPoller(
      streams,
      streamArn,
      async (event, context) => {
        const response = await handler(event, context);
        responses.push(response);
        return response;
      },
      { batchSize: 100, ...quickStreamPolling },
    ).run();
    return { responses, rejected: [...log.records], records: stats.records };
  } finally {
    log.stop();
  }
};
