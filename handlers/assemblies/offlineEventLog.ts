import type { KinesisStreamRecord } from "aws-lambda";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryKinesis } from "../../adapters/localAws/services/InMemoryKinesis.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { assembleEventLog } from "./assembleEventLog.js";

/**
 * The services of the offline event log on a virtual clock: Kinesis stream `EventStream`, table
 * `EventLogs` (key `eventId`) and its in-memory writer, and a reader of each shard.
 *
 * @example
 * const s = eventLogServices({ shards: 2 });
 * s.shardIds; // ["shardId-000000000000", "shardId-000000000001"]
 */
export const eventLogServices = (
  options: { readonly shards?: number; readonly clock?: VirtualClock } = {},
) => {
  const clock = options.clock ?? virtualClock();
  const kinesis = new InMemoryKinesis(clock.now);
  kinesis.createStream("EventStream", options.shards ?? 1);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("EventLogs", EVENT_LOG_KEY_SCHEMA);
  const shardIds = kinesis.listShards("EventStream").map(({ shardId }) => shardId);
  return {
    clock,
    kinesis,
    db,
    shardIds,
    table: new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv),
    /** A shard as an event source reads it. */
    shard: (shardId: string) => ({
      read: (after: string | undefined, limit: number): ReadonlyArray<KinesisStreamRecord> =>
        kinesis.read("EventStream", shardId, after, limit),
    }),
  };
};

/**
 * Seed 003 offline: Kinesis stream `EventStream` → kinesisToTable → table `EventLogs` (key
 * `eventId`), one event source runner per shard, on in-memory services.
 *
 * @example
 * const p = offlineEventLog();
 * p.kinesis.putRecord("EventStream", "1", JSON.stringify({ sensor: "temperature", value: 22.5 }));
 * await p.run();
 * p.db.scan("EventLogs").length; // 1
 */
export const offlineEventLog = (
  options: { readonly shards?: number; readonly batchSize?: number } = {},
) => {
  const services = eventLogServices(options.shards ? { shards: options.shards } : {});
  const rejects = new InMemoryRejectSink();
  const { kinesisToTable } = assembleEventLog({ table: services.table, rejects });
  const runners = services.shardIds.map(
    (shardId) =>
      new StreamEventSourceRunner<KinesisStreamRecord>(services.shard(shardId), kinesisToTable, {
        batchSize: options.batchSize ?? 100,
        sequenceOf: (record) => record.kinesis.sequenceNumber,
      }),
  );
  return {
    clock: services.clock,
    kinesis: services.kinesis,
    db: services.db,
    rejects,
    /** Delivers every shard's new records to the handler. */
    run: async () => {
      for (const runner of runners) await runner.drain();
    },
  };
};
