import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { changeToCommand } from "../../domain/changeToCommand.js";
import { changeRecord } from "../support/sqs.js";

const keys = { pk: { S: "a" }, sk: { N: "1" } };
const image = { ...keys, name: { S: "Ana" } };

describe("changeToCommand", () => {
  it.each(["INSERT", "MODIFY"] as const)("turns %s into a put of the new image", (eventName) => {
    expect(changeToCommand(changeRecord(eventName, keys, "101", image))).toEqual(
      E.right({ op: "put", key: keys, item: image, source: "evt-101", seq: "101" }),
    );
  });

  it("turns REMOVE into a delete of the keys", () => {
    expect(changeToCommand(changeRecord("REMOVE", keys, "102"))).toEqual(
      E.right({ op: "delete", key: keys, source: "evt-102", seq: "102" }),
    );
  });

  it("keeps the record's stream ARN (eventSourceARN) as the command's stream, and only a DynamoDB stream's", () => {
    const stream =
      "arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-11-30T00:00:00.000";
    expect(
      changeToCommand({ ...changeRecord("REMOVE", keys, "104"), eventSourceArn: stream }),
    ).toEqual(E.right({ op: "delete", key: keys, source: "evt-104", seq: "104", stream }));
    expect(
      changeToCommand({
        ...changeRecord("INSERT", keys, "105", image),
        eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/orders",
      }),
    ).toEqual(E.right({ op: "put", key: keys, item: image, source: "evt-105", seq: "105" }));
  });

  it("refuses a MODIFY without a new image, naming the record", () => {
    const result = changeToCommand(changeRecord("MODIFY", keys, "103"));
    expect(result).toEqual(
      E.left(expect.objectContaining({ recordId: "evt-103", field: "dynamodb.NewImage" })),
    );
  });
});
