import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { StreamRecordRef, StreamShards } from "../../ports/streamShards.js";

/** A stream under test: its shards' port, its ARN, and the records of three writes, in order. */
export interface StreamShardsFixture {
  readonly shards: StreamShards;
  readonly streamArn: string;
  readonly records: ReadonlyArray<StreamRecordRef>;
  /** The ARN of a stream that does not exist. */
  readonly missingArn: string;
}

/**
 * The StreamShards contract, run against every adapter (in memory and DynamoDB Streams on
 * DynamoDB Local); each fixture is a fresh table with a stream and three items written.
 */
export const streamShardsContract = (name: string, fixture: () => Promise<StreamShardsFixture>) =>
  describe(`StreamShards contract: ${name}`, () => {
    it("lists the stream's shards, and exactly one holds each record", async () => {
      const { shards, streamArn, records } = await fixture();
      const ids = await shards.shardsOf(streamArn)();
      expect(E.isRight(ids) && ids.right.length).toBeGreaterThan(0);
      const all = E.isRight(ids) ? ids.right : [];
      for (const record of records) {
        const holding: string[] = [];
        for (const shardId of all) {
          const holds = await shards.holds(shardId, record)();
          expect(E.isRight(holds)).toBe(true);
          if (E.isRight(holds) && holds.right) holding.push(shardId);
        }
        expect(holding).toHaveLength(1);
      }
    });

    it("does not take another event at the same sequence number for the record", async () => {
      const { shards, streamArn, records } = await fixture();
      const ids = await shards.shardsOf(streamArn)();
      const [record] = records;
      const [shardId] = E.isRight(ids) ? ids.right : [];
      if (record === undefined || shardId === undefined) throw new Error("fixture without records");
      expect(await shards.holds(shardId, { ...record, eventId: "another-event" })()).toEqual(
        E.right(false),
      );
    });

    it("a shard the stream does not have holds nothing", async () => {
      const { shards, records } = await fixture();
      const [record] = records;
      if (record === undefined) throw new Error("fixture without records");
      expect(await shards.holds("shardId-00000000000000000000-00000000", record)()).toEqual(
        E.right(false),
      );
    });

    it("a stream that does not exist is a configuration error naming it", async () => {
      const { shards, missingArn } = await fixture();
      const ids = await shards.shardsOf(missingArn)();
      expect(E.isLeft(ids) && ids.left._tag).toBe("Configuration");
      expect(E.isLeft(ids) && JSON.stringify(ids.left)).toContain(missingArn);
    });
  });
