/**
 * Baseline of figure 4 (bundle size and module load time): what a user would otherwise deploy
 * for the aggregation pipeline — Powertools' BatchProcessor with its parser integration (zod,
 * `DynamoDBStreamRecord`, images unmarshalled) and partial batch responses, Middy, and one
 * DynamoDB `UpdateItem ADD` per image. Like our entry points, it builds its client on the first
 * invocation, so module load times compare the code alone. Not exactly-once.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parser } from "@aws-lambda-powertools/batch/parser";
import { DynamoDBStreamRecord } from "@aws-lambda-powertools/parser/schemas/dynamodb";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import middy from "@middy/core";
import type { Context, DynamoDBStreamEvent } from "aws-lambda";

type Order = { order_date?: unknown; item_id?: unknown; quantity?: unknown };

let client: DynamoDBClient | undefined;
const processor = new BatchProcessor(EventType.DynamoDBStreams, {
  parser,
  schema: DynamoDBStreamRecord,
});

const add = async (image: Order | undefined, sign: 1 | -1): Promise<void> => {
  if (image?.quantity === undefined) return;
  client ??= new DynamoDBClient({});
  await client.send(
    new UpdateItemCommand({
      TableName: process.env.TOTALS_TABLE,
      Key: {
        order_date: { S: String(image.order_date).slice(0, 10) },
        item_number: { S: String(image.item_id) },
      },
      UpdateExpression: "ADD quantity :q",
      ExpressionAttributeValues: { ":q": { N: String(sign * Number(image.quantity)) } },
    }),
  );
};

const recordHandler = async (record: unknown): Promise<void> => {
  const { dynamodb } = record as { dynamodb: { NewImage?: Order; OldImage?: Order } };
  await add(dynamodb.OldImage, -1);
  await add(dynamodb.NewImage, 1);
};

/**
 * The Powertools baseline handler (`TOTALS_TABLE` from the environment).
 * @example // bundled by bench/bundle.ts into dist/baseline/powertoolsHandler.mjs
 */
export const handler = middy((event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
);
