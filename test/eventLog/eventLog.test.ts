import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  decodeEventLog,
  decodePayload,
  eventLogCommand,
  kinesisRecordIdentity,
} from "../../domain/eventLog.js";
import { isoTime } from "../../domain/isoTime.js";
import { base64, kinesisRecord } from "../support/kinesis.js";

const left = <L, A>(result: E.Either<L, A>): L => {
  if (E.isRight(result)) throw new Error(`expected a left, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const right = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected a right, got ${JSON.stringify(result.left)}`);
  return result.right;
};

describe("decodeEventLog", () => {
  it("maps the seed's event to an item keyed by the record's eventID, timed by its arrival", () => {
    const record = kinesisRecord({
      payload: { sensor: "temperature", value: 22.5 },
      sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
      partitionKey: "1",
      arrival: 1_545_084_650.987,
    });
    const entry = right(decodeEventLog(record, 0));
    expect(entry.item).toEqual({
      eventId: {
        S: "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
      },
      timestamp: { S: "2018-12-17T22:10:50.987Z" },
      data: { M: { sensor: { S: "temperature" }, value: { N: "22.5" } } },
      partitionKey: { S: "1" },
      sequenceNumber: { S: "49590338271490256608559692538361571095921575989136588898" },
    });
    expect(entry.eventId).toBe(record.eventID);
  });

  it("gives the same item for the same record decoded twice (redelivery overwrites)", () => {
    const record = kinesisRecord({ payload: { a: 1 } });
    expect(right(decodeEventLog(record, 0))).toEqual(
      right(decodeEventLog(structuredClone(record), 3)),
    );
  });

  it("keeps nested values, nulls, booleans, lists and a __proto__ key as data", () => {
    const text = '{"__proto__":{"x":1},"tags":["a",null,true],"n":{"deep":{"v":-0.5}}}';
    const entry = right(decodeEventLog(kinesisRecord({ raw: base64(text) }), 0));
    const data = entry.item.data as { M: Record<string, unknown> };
    expect(Object.hasOwn(data.M, "__proto__")).toBe(true);
    expect(data.M.tags).toEqual({ L: [{ S: "a" }, { NULL: true }, { BOOL: true }] });
    expect(data.M.n).toEqual({ M: { deep: { M: { v: { N: "-0.5" } } } } });
  });

  it("drops a UTF-8 byte order mark before parsing", () => {
    const entry = right(decodeEventLog(kinesisRecord({ raw: base64('\uFEFF{"a":"é"}') }), 0));
    expect(entry.item.data).toEqual({ M: { a: { S: "é" } } });
  });

  it.each([
    ["not base64", "!!!!", "not valid base64"],
    ["unpadded base64", "eyJhIjoxfQ", "not valid base64"],
    ["base64 with whitespace", "eyJh Ijox fQ==", "not valid base64"],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("base64"), "not UTF-8"],
    ["plain text", base64("temperature=22.5"), "not JSON"],
    ["an empty payload", "", "not JSON"],
    ["a JSON array", base64("[1,2]"), "not a JSON object (got an array)"],
    ["a JSON number", base64("22.5"), "not a JSON object (got number)"],
    ["JSON null", base64("null"), "not a JSON object (got null)"],
  ])("rejects %s naming the record and kinesis.data", (_, raw, reason) => {
    const record = kinesisRecord({ raw });
    const error = left(decodeEventLog(record, 0));
    expect(error).toMatchObject({
      _tag: "InvalidRecord",
      recordId: record.eventID,
      field: "kinesis.data",
    });
    expect(error.reason.startsWith(reason)).toBe(true);
  });

  it("rejects a number DynamoDB cannot store, naming its path", () => {
    const error = left(decodeEventLog(kinesisRecord({ raw: base64('{"a":{"b":[1,1e400]}}') }), 0));
    expect(error.field).toBe("kinesis.data.a.b[1]");
  });

  it("rejects an item over 400 KB", () => {
    const error = left(
      decodeEventLog(kinesisRecord({ payload: { blob: "x".repeat(410_000) } }), 0),
    );
    expect(error).toMatchObject({ field: "kinesis.data" });
    expect(error.reason).toContain("409600");
  });

  it("rejects a malformed envelope naming the missing field", () => {
    const record = kinesisRecord();
    const { sequenceNumber: _, ...kinesis } = record.kinesis;
    const error = left(decodeEventLog({ ...record, kinesis }, 2));
    expect(error).toMatchObject({ recordId: record.eventID, field: "kinesis.sequenceNumber" });
    expect(left(decodeEventLog("junk", 4)).recordId).toBe("#4");
  });

  it("rejects an arrival time that is not an instant", () => {
    const error = left(decodeEventLog(kinesisRecord({ arrival: -1 }), 0));
    expect(error.field).toBe("kinesis.approximateArrivalTimestamp");
    expect(left(decodeEventLog(kinesisRecord({ arrival: 1e20 }), 0)).field).toBe(
      "kinesis.approximateArrivalTimestamp",
    );
  });
});

describe("decodePayload", () => {
  it("decodes base64 JSON to a map", () => {
    expect(right(decodePayload("e", base64('{"k":"v"}')))).toEqual({ M: { k: { S: "v" } } });
  });
});

describe("eventLogCommand", () => {
  it("puts the item under its eventId, sourced and ordered by the record", () => {
    const record = kinesisRecord();
    const entry = right(decodeEventLog(record, 0));
    expect(eventLogCommand(entry)).toEqual({
      op: "put",
      key: { eventId: { S: record.eventID } },
      item: entry.item,
      source: record.eventID,
      seq: record.kinesis.sequenceNumber,
    });
  });
});

describe("kinesisRecordIdentity", () => {
  it("reads what it can of a raw record", () => {
    const record = kinesisRecord({ partitionKey: "p" });
    expect(kinesisRecordIdentity(record)).toEqual({
      eventID: record.eventID,
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: "p",
    });
    expect(kinesisRecordIdentity(null)).toEqual({});
  });
});

describe("isoTime", () => {
  it("formats an instant with milliseconds, and refuses what is not one", () => {
    expect(isoTime(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(isoTime(1_545_084_650_987)).toBe("2018-12-17T22:10:50.987Z");
    expect(isoTime(Number.NaN)).toBeUndefined();
    expect(isoTime(1e20)).toBeUndefined();
  });
});
