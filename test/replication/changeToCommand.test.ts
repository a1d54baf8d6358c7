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

  it("refuses a MODIFY without a new image, naming the record", () => {
    const result = changeToCommand(changeRecord("MODIFY", keys, "103"));
    expect(result).toEqual(
      E.left(expect.objectContaining({ recordId: "evt-103", field: "dynamodb.NewImage" })),
    );
  });
});
