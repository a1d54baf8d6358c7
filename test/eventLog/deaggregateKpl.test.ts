import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import common from "aws-kinesis-agg/lib/common.js";
import type { KinesisStreamEvent } from "aws-lambda";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deaggregateKpl } from "../../adapters/kpl/deaggregateKpl.js";
import { EVENTS_DIR } from "../fixtures/corpusRig.js";
import { kplAggregate } from "../support/kpl.js";

const sample = JSON.parse(
  readFileSync(join(EVENTS_DIR, "kinesis-aggregation/SampleLambdaEvent.json"), "utf8"),
) as KinesisStreamEvent;

/** A partition key as producers use them (1-256 characters: Kinesis' PutRecord limits). */
const partitionKey = fc.string({ minLength: 1, maxLength: 256, unit: "grapheme" });

/** Keys a JS object orders first, numerically ("0" … "4294967294"). */
const isArrayIndex = (key: string): boolean =>
  /^(0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;

describe("deaggregateKpl (aws-kinesis-agg)", () => {
  it("splits awslabs' sample aggregate into its 100 user records, in order, with their keys", () => {
    const users = deaggregateKpl(sample.Records[0]?.kinesis.data ?? "");
    expect(users).toHaveLength(100);
    expect(users?.map((u) => u.subSequenceNumber)).toEqual([...Array(100).keys()]);
    expect(users?.[0]?.partitionKey).toBe("abc");
  });

  it("gives back every user record of a random aggregate: bytes, partition key, explicit hash key, order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              // Not array indices nor "__proto__": the library's aggregator (used here to make
              // aggregates, not by the handler) keeps its key table in a plain object and
              // mis-indexes such keys. The de-aggregator reads the table as a list: see the
              // "__proto__" test below, built without that aggregator.
              partitionKey: partitionKey.filter((k) => !isArrayIndex(k) && k !== "__proto__"),
              explicitHashKey: fc.bigInt({ min: 2n ** 32n, max: 2n ** 128n - 1n }).map(String),
              data: fc.uint8Array({ minLength: 1, maxLength: 300 }),
            },
            { requiredKeys: ["partitionKey", "data"] },
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (users) => {
          const data = kplAggregate(users).toString("base64");
          const back = deaggregateKpl(data);
          expect(back).toEqual(
            users.map((u, i) => ({
              subSequenceNumber: i,
              partitionKey: u.partitionKey,
              ...(u.explicitHashKey === undefined ? {} : { explicitHashKey: u.explicitHashKey }),
              data: Buffer.from(u.data).toString("base64"),
            })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps partition keys an object would swallow (__proto__, array indices) in an aggregate encoded with the KPL's protobuf model", () => {
    const keys = ["__proto__", "0", "constructor"];
    const { AggregatedRecord } = common as unknown as {
      AggregatedRecord: { encode(message: object): { finish(): Uint8Array } };
    };
    const body = AggregatedRecord.encode({
      partition_key_table: keys,
      explicit_hash_key_table: [],
      records: keys.map((_, i) => ({ partition_key_index: i, data: Buffer.from(`r${i}`) })),
    }).finish();
    const magic = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
    const md5 = createHash("md5").update(body).digest();
    const data = Buffer.concat([magic, body, md5]).toString("base64");
    expect(deaggregateKpl(data)?.map((u) => [u.partitionKey, u.data])).toEqual(
      keys.map((key, i) => [key, Buffer.from(`r${i}`).toString("base64")]),
    );
  });

  it("treats a payload that is not a valid aggregate as an ordinary record (undefined)", () => {
    const valid = kplAggregate([{ partitionKey: "a", data: Buffer.from("x") }]);
    const badChecksum = Buffer.from(valid);
    badChecksum[badChecksum.length - 1] = (badChecksum[badChecksum.length - 1] ?? 0) ^ 1;
    const badProtobuf = Buffer.concat([valid.subarray(0, 4), Buffer.from([0xff, 0xff])]);
    for (const payload of [
      Buffer.from('{"a":1}'),
      Buffer.alloc(0),
      valid.subarray(0, 4),
      badChecksum,
      badProtobuf,
    ])
      expect(deaggregateKpl(payload.toString("base64"))).toBeUndefined();
  });
});
