/**
 * Baseline of figure 5: the seed's aggregation handler — for each stream record, in order, one
 * `UpdateItem ADD` per image that has a quantity (the old image subtracted, the new one added),
 * no validation, no deduplication: a redelivered batch is counted twice.
 */
import { type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";

type Image = NonNullable<
  NonNullable<DynamoDBStreamEvent["Records"][number]["dynamodb"]>["NewImage"]
>;

/**
 * A handler writing to `table` (key `order_date` = the day, `item_number` = the item).
 * @example const handler = createPerRecordAddHandler(new DynamoDBClient({}), "totals");
 */
export const createPerRecordAddHandler =
  (client: DynamoDBClient, table: string) =>
  async (event: DynamoDBStreamEvent): Promise<void> => {
    const add = async (image: Image | undefined, sign: 1 | -1) => {
      if (image === undefined) return;
      const order = unmarshall(image as never) as Record<string, unknown>;
      if (order.quantity === undefined) return;
      await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: {
            order_date: { S: String(order.order_date).slice(0, 10) },
            item_number: { S: String(order.item_id) },
          },
          UpdateExpression: "ADD quantity :q",
          ExpressionAttributeValues: { ":q": { N: String(sign * Number(order.quantity)) } },
        }),
      );
    };
    for (const record of event.Records) {
      await add(record.dynamodb?.OldImage, -1);
      await add(record.dynamodb?.NewImage, 1);
    }
  };
