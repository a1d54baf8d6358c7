import { randomUUID } from "node:crypto";
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { GlueClient } from "@aws-sdk/client-glue";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { inject } from "vitest";

const common = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
} as const;

/** The endpoints the global setup started (DynamoDB Local and moto_server). */
export const emulatorEndpoints = () => inject("emulators");

/** SDK clients pointed at the emulators (Kinesis over HTTP/1.1, S3 path-style). */
export const emulatorClients = () => {
  const { dynamodb, moto } = emulatorEndpoints();
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: dynamodb }),
    streams: new DynamoDBStreamsClient({ ...common, endpoint: dynamodb }),
    sqs: new SQSClient({ ...common, endpoint: moto }),
    s3: new S3Client({ ...common, endpoint: moto, forcePathStyle: true }),
    glue: new GlueClient({ ...common, endpoint: moto }),
    kinesis: new KinesisClient({
      ...common,
      endpoint: moto,
      requestHandler: new NodeHttpHandler(),
    }),
  };
};

/** A name no other test uses on the shared emulators. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Creates an on-demand table (string/number key attributes) and returns its name.
 * @example await createTable(client, "totals", { order_date: "S", item_number: "S" }, { stream: true })
 */
export const createTable = async (
  client: DynamoDBClient,
  prefix: string,
  key: Readonly<Record<string, "S" | "N" | "B">>,
  options: { readonly stream?: boolean } = {},
): Promise<{ readonly name: string; readonly streamArn?: string }> => {
  const name = uniqueName(prefix);
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
      ...(options.stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }
        : {}),
    }),
  );
  const streamArn = result.TableDescription?.LatestStreamArn;
  return streamArn ? { name, streamArn } : { name };
};
