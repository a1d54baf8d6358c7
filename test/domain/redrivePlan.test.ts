import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { invalidRecord } from "../../domain/errors.js";
import {
  queueOfArn,
  replayOfDocument,
  replayOfMessage,
  replayOfSourceMessage,
} from "../../domain/redrivePlan.js";
import { encodeRejectDocument, rejectDocument } from "../../domain/rejectDocument.js";

const AT = "2026-11-30T00:00:00.000Z";
const sqsOriginal = {
  messageId: "m-1",
  receiptHandle: "r",
  body: '{"v":1,"commands":[]}',
  attributes: { ApproximateReceiveCount: "1", MessageGroupId: "orders" },
  messageAttributes: {
    origin: { dataType: "String", stringValue: "csv", stringListValues: [] },
    blob: { dataType: "Binary", binaryValue: "AAE=" },
    broken: { stringValue: "no data type" },
  },
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:rows.fifo",
};
const doc = (entryPoint: string, original: unknown, identity: Record<string, unknown> = {}) =>
  rejectDocument(entryPoint, invalidRecord("m-1", "$", "bad"), identity, original, AT);

describe("redrive plan", () => {
  it("replays a queueToTable document's SQS message: body, attributes, group, source queue", () => {
    expect(replayOfDocument(doc("queueToTable", sqsOriginal))).toEqual(
      E.right({
        replayOf: "m-1",
        body: '{"v":1,"commands":[]}',
        attributes: {
          origin: { dataType: "String", stringValue: "csv" },
          blob: { dataType: "Binary", binaryValue: "AAE=" },
        },
        groupKey: "orders",
        queueArn: "arn:aws:sqs:us-east-1:123456789012:rows.fifo",
      }),
    );
  });

  it("a queueToTable document of an event that was no SQS message is not redrivable", () => {
    expect(E.isLeft(replayOfDocument(doc("queueToTable", undefined)))).toBe(true);
  });

  it("replays a command the queue refused as a one-command message grouped by the CSV key", () => {
    const command = { op: "put", item: { campo1: { S: "a" } }, source: "s3://b/k?etag=e#L2" };
    const replay = replayOfDocument(doc("csvToQueue", command, { bucket: "b", key: "k.csv" }));
    expect(replay).toEqual(
      E.right({
        replayOf: "m-1",
        body: JSON.stringify({ v: 1, commands: [command] }),
        attributes: {},
        groupKey: "k.csv",
      }),
    );
  });

  it("a CSV row with a bad cell, or an unreadable object, is not redrivable", () => {
    expect(replayOfDocument(doc("csvToQueue", ["a4", "b4", "40"]))).toEqual(
      E.left(expect.stringContaining("upload the file again")),
    );
    expect(replayOfDocument(doc("csvToQueue", { s3: {} }))).toEqual(
      E.left(expect.stringContaining("upload it again")),
    );
  });

  it.each(["streamToQueue", "streamToGlue", "streamAggregate", "kinesisToTable"])(
    "a %s record cannot go back into its stream",
    (entryPoint) => {
      expect(replayOfDocument(doc(entryPoint, { eventID: "e1" }))).toEqual(
        E.left(expect.stringContaining(`invoke ${entryPoint}`)),
      );
    },
  );

  it("a raw message is replayed as it is; its own id is its group when it had none", () => {
    const message = { id: "m-9", body: "{not json", attributes: {} };
    expect(replayOfMessage(message)).toEqual({
      replayOf: "m-9",
      body: "{not json",
      attributes: {},
      groupKey: "m-9",
    });
    expect(replayOfSourceMessage({ ...message, groupId: "g" })).toEqual(
      E.right({ replayOf: "m-9", body: "{not json", attributes: {}, groupKey: "g" }),
    );
  });

  it("a source message holding a reject document is replayed as the document says", () => {
    const body = encodeRejectDocument(doc("streamToQueue", { eventID: "e1" }));
    expect(E.isLeft(replayOfSourceMessage({ id: "x", body, attributes: {} }))).toBe(true);
  });

  it("reads a queue ARN and refuses anything else", () => {
    expect(queueOfArn("arn:aws:sqs:us-east-1:123456789012:rows.fifo")).toEqual(
      E.right({ region: "us-east-1", account: "123456789012", name: "rows.fifo" }),
    );
    expect(E.isLeft(queueOfArn("arn:aws:s3:::bucket"))).toBe(true);
    expect(E.isLeft(queueOfArn("https://sqs.us-east-1.amazonaws.com/1/q"))).toBe(true);
  });
});
