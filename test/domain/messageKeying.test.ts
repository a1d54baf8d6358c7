import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessageBody } from "../../domain/messageBody.js";

/** Seed 004's table: `campo1` (HASH) + `campo2` (RANGE), both strings. */
const seed004 = { partitionKey: "campo1", sortKey: "campo2" };
const row = (a: string, b: string) => ({ campo1: { S: a }, campo2: { S: b }, campo3: { S: "x" } });

describe("decodeMessage: puts keyed by the table", () => {
  it("keys an item without a key by the table's key schema", () => {
    const body = encodeMessageBody([{ op: "put", key: {}, item: row("a", "b"), source: "r2" }]);
    expect(body).not.toContain('"key"');
    expect(decodeMessage("m", body, seed004)).toEqual(
      E.right({
        commands: [
          {
            op: "put",
            key: { campo1: { S: "a" }, campo2: { S: "b" } },
            item: row("a", "b"),
            source: "r2",
          },
        ],
        rejected: [],
      }),
    );
  });

  it("reads an old message keyed by the first column only (the CSV default before)", () => {
    const body = encodeMessageBody([
      { op: "put", key: { campo1: { S: "a" } }, item: row("a", "b"), source: "r2" },
    ]);
    const decoded = decodeMessage("m", body, seed004);
    expect(E.isRight(decoded) && decoded.right.commands[0]?.key).toEqual({
      campo1: { S: "a" },
      campo2: { S: "b" },
    });
  });

  it("rejects a bad command alone, naming its message, field and source", () => {
    const body = encodeMessageBody([
      { op: "put", key: {}, item: row("a", "1"), source: "r2" },
      { op: "put", key: {}, item: { campo1: { S: "b" } }, source: "r3" },
      { op: "put", key: { campo1: { S: "z" } }, item: row("c", "3"), source: "r4" },
      { op: "put", key: {}, item: row("d", "4"), source: "r5" },
    ]);
    const decoded = decodeMessage("m-1", body, seed004);
    if (E.isLeft(decoded)) throw new Error(decoded.left.reason);
    expect(decoded.right.commands.map((c) => c.source)).toEqual(["r2", "r5"]);
    expect(decoded.right.rejected).toEqual([
      {
        error: expect.objectContaining({
          recordId: "m-1",
          field: "commands[1].item.campo2",
          reason: "key attribute is missing",
        }),
        source: "r3",
      },
      {
        error: expect.objectContaining({ recordId: "m-1", field: "commands[2].key" }),
        source: "r4",
      },
    ]);
  });

  it("still rejects a whole message it cannot read", () => {
    expect(E.isLeft(decodeMessage("m", "not json", seed004))).toBe(true);
    expect(E.isLeft(decodeMessage("m", '{"v":2,"commands":[]}', seed004))).toBe(true);
  });
});
