import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { InvalidRecord } from "../../domain/errors.js";
import { decodeEventLog, eventLogCommand, kinesisRecordIdentity } from "../../domain/eventLog.js";
import { decodePayload } from "../../domain/eventPayload.js";
import { isoTime } from "../../domain/isoTime.js";
import type { Deaggregate } from "../../domain/kplUserRecord.js";
import { base64, kinesisRecord } from "../support/kinesis.js";

const left = <L, A>(result: E.Either<L, A>): L => {
  if (E.isRight(result)) throw new Error(`expected a left, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const right = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected a right, got ${JSON.stringify(result.left)}`);
  return result.right;
};

/** The one event of a record that is not an aggregate. */
const single = (raw: unknown, index = 0) => {
  const entries = right(decodeEventLog(raw, index));
  expect(entries).toHaveLength(1);
  return right(entries[0] ?? E.left("no entry"));
};

describe("decodeEventLog", () => {
  it("maps the seed's event to an item keyed by the record's eventID, timed by its arrival", () => {
    const record = kinesisRecord({
      payload: { sensor: "temperature", value: 22.5 },
      sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
      partitionKey: "1",
      arrival: 1_545_084_650.987,
    });
    const entry = single(record);
    expect(entry.item).toEqual({
      eventId: {
        S: "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
      },
      timestamp: { S: "2018-12-17T22:10:50.987Z" },
      data: { M: { sensor: { S: "temperature" }, value: { N: "22.5" } } },
      dataFormat: { S: "json" },
      partitionKey: { S: "1" },
      sequenceNumber: { S: "49590338271490256608559692538361571095921575989136588898" },
    });
    expect(entry.eventId).toBe(record.eventID);
  });

  it("gives the same item for the same record decoded twice (redelivery overwrites)", () => {
    const record = kinesisRecord({ payload: { a: 1 } });
    expect(single(record)).toEqual(single(structuredClone(record), 3));
  });

  it("keeps nested values, nulls, booleans, lists and a __proto__ key as data", () => {
    const text = '{"__proto__":{"x":1},"tags":["a",null,true],"n":{"deep":{"v":-0.5}}}';
    const entry = single(kinesisRecord({ raw: base64(text) }));
    const data = entry.item.data as { M: Record<string, unknown> };
    expect(Object.hasOwn(data.M, "__proto__")).toBe(true);
    expect(data.M.tags).toEqual({ L: [{ S: "a" }, { NULL: true }, { BOOL: true }] });
    expect(data.M.n).toEqual({ M: { deep: { M: { v: { N: "-0.5" } } } } });
  });

  it("drops a UTF-8 byte order mark before parsing", () => {
    const entry = single(kinesisRecord({ raw: base64('\uFEFF{"a":"é"}') }));
    expect(entry.item.data).toEqual({ M: { a: { S: "é" } } });
  });

  it.each([
    ["not base64", "!!!!"],
    ["unpadded base64", "eyJhIjoxfQ"],
    ["base64 with whitespace", "eyJh Ijox fQ=="],
  ])(
    "rejects data %s naming the record and kinesis.data (Lambda always sends base64)",
    (_, raw) => {
      const record = kinesisRecord({ raw });
      expect(left(decodeEventLog(record, 0))).toEqual({
        _tag: "InvalidRecord",
        recordId: record.eventID,
        field: "kinesis.data",
        reason: "not valid base64",
      });
    },
  );

  it.each([
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), { B: "e/99" }, "binary"],
    ["plain text", Buffer.from("temperature=22.5"), { S: "temperature=22.5" }, "text"],
    ["an empty payload", Buffer.alloc(0), { S: "" }, "text"],
    ["truncated JSON", Buffer.from('{"a":[1,'), { S: '{"a":[1,' }, "text"],
    ["a JSON array", Buffer.from("[1,2]"), { L: [{ N: "1" }, { N: "2" }] }, "json"],
    ["a JSON number", Buffer.from("22.5"), { N: "22.5" }, "json"],
    ["JSON null", Buffer.from("null"), { NULL: true }, "json"],
    ["a JSON string", Buffer.from('"hi"'), { S: "hi" }, "json"],
    ["a BOM before text (kept)", Buffer.from("\uFEFFhi"), { S: "\uFEFFhi" }, "text"],
  ])("stores %s, saying which format it is", (_, bytes, data, dataFormat) => {
    const entry = single(kinesisRecord({ raw: bytes.toString("base64") }));
    expect(entry.item.data).toEqual(data);
    expect(entry.item.dataFormat).toEqual({ S: dataFormat });
  });

  it("keeps JSON that DynamoDB cannot hold as a value (a number beyond 38 digits or 1E+126) as its exact text", () => {
    const text = '{"a":{"b":[1,1e400]}}';
    const entry = single(kinesisRecord({ raw: base64(text) }));
    expect(entry.item.data).toEqual({ S: text });
    expect(entry.item.dataFormat).toEqual({ S: "text" });
  });

  it("rejects an event whose item would exceed 400 KB, naming it and kinesis.data", () => {
    const record = kinesisRecord({ payload: { blob: "x".repeat(410_000) } });
    const [entry] = right(decodeEventLog(record, 0));
    const error = left<InvalidRecord, unknown>(entry ?? E.right(undefined));
    expect(error).toMatchObject({ recordId: record.eventID, field: "kinesis.data" });
    expect(error.reason).toContain("409600");
  });

  it("gives one event per user record of an aggregate, keyed eventID:subSequenceNumber with the user record's keys", () => {
    const record = kinesisRecord({ partitionKey: "outer" });
    const users: Deaggregate = () => [
      { subSequenceNumber: 0, partitionKey: "a", data: base64('{"n":1}') },
      { subSequenceNumber: 1, partitionKey: "b", explicitHashKey: "42", data: base64("x") },
    ];
    const entries = right(decodeEventLog(record, 0, users)).map(right);
    expect(entries.map((e) => e.eventId)).toEqual([`${record.eventID}:0`, `${record.eventID}:1`]);
    expect(entries[1]?.item).toEqual({
      eventId: { S: `${record.eventID}:1` },
      timestamp: entries[0]?.item.timestamp,
      data: { S: "x" },
      dataFormat: { S: "text" },
      partitionKey: { S: "b" },
      sequenceNumber: { S: record.kinesis.sequenceNumber },
      subSequenceNumber: { N: "1" },
      explicitHashKey: { S: "42" },
    });
    expect(entries[0]?.item.data).toEqual({ M: { n: { N: "1" } } });
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
    expect(right(decodePayload("e", base64('{"k":"v"}')))).toEqual({
      data: { M: { k: { S: "v" } } },
      dataFormat: "json",
    });
  });
});

describe("eventLogCommand", () => {
  it("puts the item under its eventId, sourced and ordered by the record", () => {
    const record = kinesisRecord();
    const entry = single(record);
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
