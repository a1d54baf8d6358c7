/**
 * Creates the AWS resources the pipelines need on the local emulators (or any account): tables
 * with streams, queues with a dead-letter queue, a bucket, a Glue job, a Kinesis stream; and reads
 * tables back. Used by `npm run start:emulators` and the emulator integration tests.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  type KeySchemaElement,
  PutItemCommand,
  paginateScan,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { CreateJobCommand, GlueClient } from "@aws-sdk/client-glue";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
} from "@aws-sdk/client-kinesis";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { fromSdkItem, toSdkItem } from "../adapters/aws/sdkAttributes.js";
import { type AttributeMap, canonicalKey, type KeySchema } from "../domain/attributeValue.js";
import type { EmulatorEndpoints } from "./localEmulators.js";
import type { TableChange } from "./scenarioData.js";

/**
 * SDK clients pointed at the emulators (dummy credentials; Kinesis over HTTP/1.1, S3
 * path-style).
 * @example const clients = emulatorSdkClients(emulators.endpoints);
 */
export const emulatorSdkClients = (endpoints: EmulatorEndpoints) => {
  const common = {
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  } as const;
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    streams: new DynamoDBStreamsClient({ ...common, endpoint: endpoints.dynamodb }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.moto }),
    s3: new S3Client({ ...common, endpoint: endpoints.moto, forcePathStyle: true }),
    glue: new GlueClient({ ...common, endpoint: endpoints.moto }),
    kinesis: new KinesisClient({
      ...common,
      endpoint: endpoints.moto,
      requestHandler: new NodeHttpHandler(),
    }),
  };
};

/**
 * Creates an on-demand table keyed by string attributes, with a NEW_AND_OLD_IMAGES stream when
 * asked; returns the stream ARN (empty without a stream).
 * @example const { streamArn } = await createKeyedTable(dynamodb, "orders", { partitionKey: "order_id" }, true);
 */
export const createKeyedTable = async (
  client: DynamoDBClient,
  name: string,
  key: KeySchema,
  stream = false,
): Promise<{ readonly name: string; readonly streamArn: string }> => {
  const names = [key.partitionKey, ...(key.sortKey === undefined ? [] : [key.sortKey])];
  const result = await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: names.map(
        (n): AttributeDefinition => ({ AttributeName: n, AttributeType: "S" }),
      ),
      KeySchema: names.map(
        (n, i): KeySchemaElement => ({ AttributeName: n, KeyType: i === 0 ? "HASH" : "RANGE" }),
      ),
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }
        : {}),
    }),
  );
  return { name, streamArn: result.TableDescription?.LatestStreamArn ?? "" };
};

/**
 * Creates a queue and its dead-letter queue (`<name>-dlq`, `.fifo` kept last), messages moving
 * there after `maxReceiveCount` receives.
 * @example const { url } = await createQueueWithDlq(sqs, "replica.fifo", { maxReceiveCount: 5 });
 */
export const createQueueWithDlq = async (
  client: SQSClient,
  name: string,
  options: { readonly maxReceiveCount: number; readonly visibilityTimeoutSeconds?: number },
): Promise<{ readonly url: string; readonly dlqUrl: string }> => {
  const fifo = name.endsWith(".fifo");
  const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
  const dlq = await client.send(
    new CreateQueueCommand({
      QueueName: fifo ? `${name.slice(0, -5)}-dlq.fifo` : `${name}-dlq`,
      Attributes: fifoAttributes,
    }),
  );
  const dlqUrl = dlq.QueueUrl ?? "";
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
  );
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: queue.QueueUrl ?? "", dlqUrl };
};

/**
 * Creates a bucket.
 * @example await createBucket(s3, "uploads");
 */
export const createBucket = async (client: S3Client, name: string): Promise<void> => {
  await client.send(new CreateBucketCommand({ Bucket: name }));
};

/**
 * Creates a Glue ETL job (on moto its runs start and succeed at once, without running anything).
 * @example await createGlueJob(glue, "copy-api-pagos");
 */
export const createGlueJob = async (client: GlueClient, name: string): Promise<void> => {
  await client.send(
    new CreateJobCommand({
      Name: name,
      Role: "arn:aws:iam::123456789012:role/glue-copy",
      Command: { Name: "glueetl", ScriptLocation: `s3://scripts/${name}.py` },
    }),
  );
};

/**
 * Creates a Kinesis stream and waits until it is ACTIVE.
 * @example await createKinesisStream(kinesis, "EventStream", 1);
 */
export const createKinesisStream = async (
  client: KinesisClient,
  name: string,
  shards: number,
): Promise<void> => {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 100; i++) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (StreamDescriptionSummary?.StreamStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Kinesis stream ${name} did not become ACTIVE`);
};

/**
 * Every item of a table (consistent scan, all pages) in our DynamoDB JSON, sorted by key so runs
 * compare and print alike.
 * @example const replica = await scanTable(dynamodb, "replica", { partitionKey: "id" });
 */
export const scanTable = async (
  client: DynamoDBClient,
  table: string,
  key: KeySchema,
): Promise<ReadonlyArray<AttributeMap>> => {
  const items: AttributeMap[] = [];
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true }))
    for (const item of page.Items ?? []) items.push(fromSdkItem(item));
  const keyText = (item: AttributeMap) =>
    canonicalKey(
      Object.fromEntries(
        [key.partitionKey, key.sortKey].flatMap((n) =>
          n === undefined || item[n] === undefined ? [] : [[n, item[n]]],
        ),
      ),
    );
  return items.sort((a, b) => (keyText(a) < keyText(b) ? -1 : keyText(a) > keyText(b) ? 1 : 0));
};

/**
 * Writes changes to a table one by one, in order (PutItem / DeleteItem), so its stream holds one
 * record per change.
 * @example await applyChanges(dynamodb, "source", [{ put: { id: { S: "a" } } }, { delete: { id: { S: "a" } } }]);
 */
export const applyChanges = async (
  client: DynamoDBClient,
  table: string,
  changes: ReadonlyArray<TableChange>,
): Promise<void> => {
  for (const change of changes)
    if ("put" in change)
      await client.send(new PutItemCommand({ TableName: table, Item: toSdkItem(change.put) }));
    else
      await client.send(new DeleteItemCommand({ TableName: table, Key: toSdkItem(change.delete) }));
};

/**
 * Messages in a queue, visible or in flight (approximate, as SQS counts them).
 * @example await queueDepth(sqs, dlqUrl) // 0
 */
export const queueDepth = async (client: SQSClient, queueUrl: string): Promise<number> => {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};
