import type { KinesisStreamRecord } from "aws-lambda";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryKinesis } from "../../adapters/localAws/services/InMemoryKinesis.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import { InMemoryTableWriter } from "../../adapters/memory/InMemoryTableWriter.js";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { createKinesisToTableHandler } from "../kinesisToTable.js";

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
  const clock = virtualClock();
  const kinesis = new InMemoryKinesis(clock.now);
  kinesis.createStream("EventStream", options.shards ?? 1);
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("EventLogs", EVENT_LOG_KEY_SCHEMA);
  const rejects = new InMemoryRejectSink();
  const handler = createKinesisToTableHandler({
    table: new InMemoryTableWriter(db, "EventLogs", noWaitRetryEnv),
    rejects,
  });
  const runners = kinesis.listShards("EventStream").map(
    ({ shardId }) =>
      new StreamEventSourceRunner<KinesisStreamRecord>(
        { read: (after, limit) => kinesis.read("EventStream", shardId, after, limit) },
        handler,
        {
          batchSize: options.batchSize ?? 100,
          sequenceOf: (record) => record.kinesis.sequenceNumber,
        },
      ),
  );
  return {
    clock,
    kinesis,
    db,
    rejects,
    /** Delivers every shard's new records to the handler. */
    run: async () => {
      for (const runner of runners) await runner.drain();
    },
  };
};
