import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InMemoryKinesis } from "../../adapters/localAws/services/InMemoryKinesis.js";
import { InMemoryServiceError } from "../../adapters/localAws/services/serviceError.js";

const hashOf = (key: string) => BigInt(`0x${createHash("md5").update(key).digest("hex")}`);

const setup = (shards = 1) => {
  let now = 1_700_000_000_250;
  const kinesis = new InMemoryKinesis(() => now);
  kinesis.createStream("EventStream", shards);
  return {
    kinesis,
    advance: (ms: number) => {
      now += ms;
    },
  };
};

describe("InMemoryKinesis", () => {
  it("splits the 128-bit hash key range evenly over the shards", () => {
    const { kinesis } = setup(4);
    const shards = kinesis.listShards("EventStream");
    expect(shards.map((s) => s.shardId)).toEqual([
      "shardId-000000000000",
      "shardId-000000000001",
      "shardId-000000000002",
      "shardId-000000000003",
    ]);
    expect(shards[0]?.startingHashKey).toBe("0");
    expect(shards[3]?.endingHashKey).toBe((2n ** 128n - 1n).toString());
    for (let i = 1; i < shards.length; i++)
      expect(BigInt(shards[i]?.startingHashKey ?? "")).toBe(
        BigInt(shards[i - 1]?.endingHashKey ?? "") + 1n,
      );
  });

  it("routes a partition key to the shard owning the MD5 of the key", () => {
    const { kinesis } = setup(3);
    const shards = kinesis.listShards("EventStream");
    for (const key of ["1", "2", "sensor-a", "ñandú", "x".repeat(256)]) {
      const { shardId } = kinesis.putRecord("EventStream", key, "{}");
      const owner = shards.find(
        (s) => hashOf(key) >= BigInt(s.startingHashKey) && hashOf(key) <= BigInt(s.endingHashKey),
      );
      expect(shardId).toBe(owner?.shardId);
      expect(kinesis.shardFor("EventStream", key)).toBe(shardId);
    }
  });

  it("delivers records as Lambda does, with increasing sequence numbers and the clock's arrival time", () => {
    const { kinesis, advance } = setup();
    const first = kinesis.putRecord("EventStream", "1", '{"sensor":"temperature","value":22.5}');
    advance(1_500);
    const second = kinesis.putRecord("EventStream", "1", new Uint8Array([1, 2, 3]));
    expect(BigInt(second.sequenceNumber) > BigInt(first.sequenceNumber)).toBe(true);
    const [a, b] = kinesis.read("EventStream", first.shardId, undefined, 10);
    expect(a).toMatchObject({
      eventID: `shardId-000000000000:${first.sequenceNumber}`,
      eventSource: "aws:kinesis",
      eventSourceARN: "arn:aws:kinesis:us-east-1:000000000000:stream/EventStream",
      kinesis: {
        partitionKey: "1",
        sequenceNumber: first.sequenceNumber,
        approximateArrivalTimestamp: 1_700_000_000.25,
        data: Buffer.from('{"sensor":"temperature","value":22.5}').toString("base64"),
      },
    });
    expect(b?.kinesis.approximateArrivalTimestamp).toBe(1_700_000_001.75);
    expect(b?.kinesis.data).toBe("AQID");
  });

  it("reads after a sequence number, up to a limit", () => {
    const { kinesis } = setup();
    const puts = [0, 1, 2, 3, 4].map((i) => kinesis.putRecord("EventStream", "k", `{"i":${i}}`));
    const page = kinesis.read("EventStream", "shardId-000000000000", puts[1]?.sequenceNumber, 2);
    expect(page.map((r) => r.kinesis.sequenceNumber)).toEqual([
      puts[2]?.sequenceNumber,
      puts[3]?.sequenceNumber,
    ]);
    expect(
      kinesis.read("EventStream", "shardId-000000000000", puts[4]?.sequenceNumber, 10),
    ).toEqual([]);
  });

  it("keeps sequence numbers increasing within every shard", () => {
    const { kinesis } = setup(2);
    for (let i = 0; i < 40; i++) kinesis.putRecord("EventStream", `key-${i}`, "{}");
    for (const { shardId } of kinesis.listShards("EventStream")) {
      const seqs = kinesis
        .read("EventStream", shardId, undefined, 100)
        .map((r) => BigInt(r.kinesis.sequenceNumber));
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0n))).toBe(true);
    }
  });

  it("fails entries of PutRecords under a PartialFailure fault and stores only the others", () => {
    const { kinesis } = setup();
    kinesis.fault = (operation) => (operation === "PutRecords" ? "PartialFailure" : undefined);
    const results = kinesis.putRecords(
      "EventStream",
      ["a", "b", "c"].map((k) => ({ partitionKey: k, data: k })),
    );
    expect(results.map((r) => ("errorCode" in r ? r.errorCode : "ok"))).toEqual([
      "ok",
      "ProvisionedThroughputExceededException",
      "ok",
    ]);
    expect(kinesis.read("EventStream", "shardId-000000000000", undefined, 10)).toHaveLength(2);
  });

  it("throws AWS-named errors for missing streams, bad keys, big records and injected faults", () => {
    const { kinesis } = setup();
    const nameOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof InMemoryServiceError ? error.name : "other";
      }
      return "none";
    };
    expect(nameOf(() => kinesis.putRecord("Nope", "1", "{}"))).toBe("ResourceNotFoundException");
    expect(nameOf(() => kinesis.putRecord("EventStream", "", "{}"))).toBe("ValidationException");
    expect(nameOf(() => kinesis.putRecord("EventStream", "x".repeat(257), "{}"))).toBe(
      "ValidationException",
    );
    expect(nameOf(() => kinesis.putRecord("EventStream", "1", "x".repeat(1024 * 1024)))).toBe(
      "ValidationException",
    );
    expect(nameOf(() => kinesis.putRecords("EventStream", []))).toBe("InvalidArgumentException");
    expect(nameOf(() => kinesis.read("EventStream", "shardId-000000000009", undefined, 1))).toBe(
      "ResourceNotFoundException",
    );
    expect(nameOf(() => kinesis.createStream("EventStream", 1))).toBe("ResourceInUseException");
    kinesis.fault = () => "ProvisionedThroughputExceededException";
    expect(nameOf(() => kinesis.putRecord("EventStream", "1", "{}"))).toBe(
      "ProvisionedThroughputExceededException",
    );
  });
});
