import type { DynamoDBRecord } from "aws-lambda";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";

/** An order image as seed 002 writes it. */
export const order = (
  id: string,
  orderDate: string,
  itemId: string,
  quantity: string,
): AttributeMap => ({
  order_id: { S: id },
  order_date: { S: orderDate },
  item_id: { S: itemId },
  quantity: { N: quantity },
});

let counter = 0;

/** A decoded change record with a fresh event id and sequence number. */
export const change = (
  eventName: ChangeRecord["eventName"],
  images: { readonly oldImage?: AttributeMap; readonly newImage?: AttributeMap },
  keys: AttributeMap = { order_id: (images.newImage ?? images.oldImage)?.order_id ?? { S: "?" } },
): ChangeRecord => {
  counter += 1;
  return {
    eventId: `evt-${counter}`,
    eventName,
    sequenceNumber: String(1000 + counter),
    keys,
    ...(images.oldImage ? { oldImage: images.oldImage } : {}),
    ...(images.newImage ? { newImage: images.newImage } : {}),
  };
};

/** The raw stream record Lambda would deliver for a change record. */
export const rawRecord = (c: ChangeRecord): DynamoDBRecord => ({
  eventID: c.eventId,
  eventName: c.eventName,
  eventSource: "aws:dynamodb",
  dynamodb: {
    Keys: c.keys as never,
    SequenceNumber: c.sequenceNumber,
    ...(c.newImage ? { NewImage: c.newImage as never } : {}),
    ...(c.oldImage ? { OldImage: c.oldImage as never } : {}),
    StreamViewType: "NEW_AND_OLD_IMAGES",
  },
});

/** The sequence number of a raw stream record (they always have one here). */
export const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? "";
