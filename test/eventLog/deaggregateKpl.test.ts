import { readFileSync } from "node:fs";
import { join } from "node:path";
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
              // Not array indices: the library's aggregator (used here to make aggregates, not
              // by the handler) mis-indexes such keys, see NOTES-eventlogs.md.
              partitionKey: partitionKey.filter((k) => !isArrayIndex(k)),
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
