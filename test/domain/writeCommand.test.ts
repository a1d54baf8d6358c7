import { describe, expect, it } from "vitest";
import {
  lastPerKey,
  sourceConflicts,
  supersedes,
  type WriteCommand,
} from "../../domain/writeCommand.js";

const key = { id: { S: "a" } };
const stream = (table: string, label: string) =>
  `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}/stream/${label}`;
const put = (seq: string, from?: string): WriteCommand => ({
  op: "put",
  key,
  item: { ...key, seq: { S: seq } },
  source: `e-${seq}`,
  seq,
  ...(from === undefined ? {} : { stream: from }),
});
const OLD = stream("users", "2026-01-10T08:00:00.000");
const NEW = stream("users", "2026-03-02T09:30:00.000");
const OTHER = stream("users-us", "2026-03-02T09:30:00.000");

describe("supersedes / lastPerKey", () => {
  it("orders one stream by sequence number, numerically", () => {
    expect(supersedes(put("10", OLD), put("9", OLD))).toBe(true);
    expect(supersedes(put("9", OLD), put("10", OLD))).toBe(false);
    expect(lastPerKey([put("10", OLD), put("9", OLD)])).toEqual([put("10", OLD)]);
  });

  it("orders a re-created table's stream after the old one, whatever the sequence numbers", () => {
    expect(supersedes(put("1", NEW), put("900", OLD))).toBe(true);
    expect(supersedes(put("950", OLD), put("1", NEW))).toBe(false);
    expect(lastPerKey([put("1", NEW), put("950", OLD)])).toEqual([put("1", NEW)]);
  });

  it("falls back to sequence numbers without a stream, and to delivery order without seq", () => {
    expect(supersedes(put("5"), put("6", OLD))).toBe(false);
    const bare: WriteCommand = { op: "put", key, item: key, source: "m-1" };
    expect(supersedes(bare, put("6"))).toBe(true);
  });
});

describe("sourceConflicts", () => {
  it("names every command outranked by another source table's change of the same key", () => {
    const commands = [put("100", OLD), put("200", OLD), put("500", OTHER)];
    const winners = lastPerKey(commands);
    expect(winners).toEqual([put("500", OTHER)]);
    const winner = "arn:aws:dynamodb:eu-west-1:123456789012:table/users-us";
    expect(sourceConflicts(commands, winners)).toEqual([
      { command: put("100", OLD), winner },
      { command: put("200", OLD), winner },
    ]);
  });

  it("finds none among one table's streams, or commands without a stream", () => {
    const commands = [put("900", OLD), put("1", NEW), put("2")];
    expect(sourceConflicts(commands, lastPerKey(commands))).toEqual([]);
  });
});
