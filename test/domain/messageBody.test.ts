import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import type { InvalidRecord } from "../../domain/errors.js";
import { decodeMessageBody, encodeMessageBody } from "../../domain/messageBody.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import { deleteOf, putOf, replicaSchema as schema } from "../support/sqs.js";

const item: AttributeMap = {
  pk: { S: "a" },
  sk: { N: "1" },
  amount: { N: "12345678901234567890.123456789012345678" },
  blob: { B: "AAECAw==" },
  tags: { SS: ["x", "y"] },
  address: { M: { lines: { L: [{ S: "l1" }, { NULL: true }] } } },
};

const errorOf = (body: string): InvalidRecord => {
  const result = decodeMessageBody("m-1", body, schema);
  if (E.isRight(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const envelope = (commands: unknown[]) => JSON.stringify({ v: 1, commands });

describe("encodeMessageBody / decodeMessageBody", () => {
  it("round-trips puts and deletes, with and without seq", () => {
    const commands: WriteCommand[] = [
      putOf(item, schema, "evt-1", "100"),
      deleteOf({ pk: { S: "b" }, sk: { N: "2" } }, "evt-2", "101"),
      putOf({ pk: { S: "c" }, sk: { N: "3" } }, schema, "s3://b/k#L2"),
    ];
    const body = encodeMessageBody(commands);
    expect(JSON.parse(body)).toMatchObject({
      v: 1,
      commands: [{ op: "put" }, { op: "delete" }, {}],
    });
    expect(decodeMessageBody("m-1", body, schema)).toEqual(E.right(commands));
  });

  it("round-trips the stream a command came from, and refuses one that is not a DynamoDB stream ARN or has no seq", () => {
    const stream =
      "arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-11-30T00:00:00.000";
    const commands: WriteCommand[] = [
      { ...putOf(item, schema, "evt-1", "100"), stream },
      { ...deleteOf({ pk: { S: "b" }, sk: { N: "2" } }, "evt-2", "101"), stream },
    ];
    const body = encodeMessageBody(commands);
    expect(JSON.parse(body).commands[1]).toEqual({
      op: "delete",
      key: { pk: { S: "b" }, sk: { N: "2" } },
      source: "evt-2",
      seq: "101",
      stream,
    });
    expect(decodeMessageBody("m-1", body, schema)).toEqual(E.right(commands));
    const key = { pk: { S: "b" }, sk: { N: "2" } };
    expect(
      errorOf(
        envelope([
          { op: "delete", key, source: "e", seq: "1", stream: "arn:aws:sqs:eu-west-1:1:q" },
        ]),
      ),
    ).toMatchObject({ field: "commands[0].stream" });
    expect(
      errorOf(
        envelope([{ op: "delete", key, source: "e", seq: "1", stream: `${stream.slice(0, -4)}` }]),
      ),
    ).toMatchObject({ field: "commands[0].stream" });
    expect(errorOf(envelope([{ op: "delete", key, source: "e", stream }]))).toMatchObject({
      field: "commands[0].seq",
    });
  });

  it("writes the documented wire format", () => {
    const body = encodeMessageBody([deleteOf({ pk: { S: "a" }, sk: { N: "1" } }, "e1", "7")]);
    expect(body).toBe(
      '{"v":1,"commands":[{"op":"delete","key":{"pk":{"S":"a"},"sk":{"N":"1"}},"source":"e1","seq":"7"}]}',
    );
  });

  it("accepts a bare DynamoDB-JSON image (the seed's format) as a put keyed by the schema", () => {
    expect(decodeMessageBody("m-9", JSON.stringify(item), schema)).toEqual(
      E.right([{ op: "put", key: { pk: item.pk, sk: item.sk }, item, source: "m-9" }]),
    );
  });

  it("refuses a bare image without its key attributes", () => {
    expect(errorOf(JSON.stringify({ pk: { S: "a" }, x: { S: "y" } }))).toMatchObject({
      recordId: "m-1",
      field: "sk",
      reason: expect.stringMatching(/missing/),
    });
  });

  it("names the field $ when the body is not JSON or not an object", () => {
    expect(errorOf("{not json")).toMatchObject({ recordId: "m-1", field: "$" });
    expect(errorOf("[1,2]")).toMatchObject({ field: "$", reason: "expected a JSON object" });
  });

  it("refuses unknown versions and malformed envelopes", () => {
    expect(errorOf(JSON.stringify({ v: 2, commands: [] }))).toMatchObject({ field: "v" });
    expect(errorOf(JSON.stringify({ v: 1, commands: {} }))).toMatchObject({ field: "commands" });
  });

  it.each([
    [[{ op: "upsert", key: {}, source: "e" }], "commands[0].op"],
    [[{ op: "delete", key: { pk: { S: "a" }, sk: { N: "1" } } }], "commands[0].source"],
    [[{ op: "put", key: { pk: { S: "a" }, sk: { N: "1" } }, source: "e" }], "commands[0].item"],
    [
      [{ op: "delete", key: { pk: { S: "a" }, sk: { N: "1" } }, source: "e", seq: "x" }],
      "commands[0].seq",
    ],
    [[{ op: "delete", key: { pk: { S: "" }, sk: { N: "1" } }, source: "e" }], "commands[0].key.pk"],
    [[{ op: "delete", key: { pk: { S: "a" } }, source: "e" }], "commands[0].key.sk"],
  ])("names the bad field of a command: %j → %s", (commands, field) => {
    expect(errorOf(envelope(commands))).toMatchObject({ recordId: "m-1", field });
  });

  it("validates items deeply and names the attribute's full path", () => {
    const bad = {
      ...item,
      address: { M: { lines: { L: [{ S: "l1" }, { S: "l2" }, { N: "1.2.3" }] } } },
    };
    const ok = putOf(item, schema, "e0");
    expect(errorOf(envelope([ok, { ...putOf(bad, schema, "e1") }]))).toMatchObject({
      recordId: "m-1",
      field: "commands[1].item.address.lines[2]",
      reason: expect.stringMatching(/not a DynamoDB number/),
    });
  });

  it("refuses a put whose key does not match its item", () => {
    const command = { ...putOf(item, schema, "e"), key: { pk: { S: "other" }, sk: { N: "1" } } };
    expect(errorOf(envelope([command]))).toMatchObject({ field: "commands[0].key" });
    const sameNumber = { ...putOf(item, schema, "e"), key: { pk: { S: "a" }, sk: { N: "1.0" } } };
    const decoded = decodeMessageBody("m", envelope([sameNumber]), schema);
    expect(E.isRight(decoded) && decoded.right[0]?.key).toEqual({ pk: { S: "a" }, sk: { N: "1" } });
  });

  it("accepts an empty command list (nothing to do)", () => {
    expect(decodeMessageBody("m", envelope([]), schema)).toEqual(E.right([]));
  });

  it("keeps __proto__ an ordinary attribute of the item", () => {
    const body = `{"v":1,"commands":[{"op":"put","key":{"pk":{"S":"a"},"sk":{"N":"1"}},"item":{"pk":{"S":"a"},"sk":{"N":"1"},"__proto__":{"S":"p"}},"source":"e"}]}`;
    const result = decodeMessageBody("m", body, schema);
    if (E.isLeft(result)) throw new Error(result.left.reason);
    const decoded = result.right[0];
    expect(decoded?.op === "put" && Object.hasOwn(decoded.item, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).S).toBeUndefined();
  });
});
