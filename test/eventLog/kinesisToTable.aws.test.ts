import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KinesisPoller } from "../../adapters/localAws/pollers/KinesisPoller.js";
import { createKeyedTable, createKinesisStream, scanTable } from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { sensorRecords } from "../../bin/scenarioData.js";
import { marshalJson } from "../../domain/attributeValue.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { handler as kinesisToTable } from "../../handlers/kinesisToTable.js";
import { quickStreamPolling, recording, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

describe("event log on the emulators: Kinesis → kinesisToTable → EventLogs", () => {
  const c = emulatorClients();
  const stream = uniqueName("EventStream");
  const table = uniqueName("EventLogs");
  const calls = recording(kinesisToTable);
  const eventIds: string[] = [];
  let log: ReturnType<typeof captureRejectLog> | undefined;

  afterEach(() => log?.stop());

  beforeAll(async () => {
    await createKinesisStream(c.kinesis, stream, 1);
    await createKeyedTable(c.dynamodb, table, EVENT_LOG_KEY_SCHEMA);
    setHandlerEnvironment({ TABLE_NAME: table });
    for (const { partitionKey, data } of sensorRecords) {
      const put = await c.kinesis.send(
        new PutRecordCommand({
          StreamName: stream,
          PartitionKey: partitionKey,
          Data: Buffer.from(data),
        }),
      );
      eventIds.push(`${put.ShardId}:${put.SequenceNumber}`);
    }
  });

  it("writes one item per record, keyed shardId:sequenceNumber, stamped with its arrival: JSON as a map, the text one as text", async () => {
    log = captureRejectLog();
    const stats = await new KinesisPoller(
      c.kinesis,
      stream,
      calls.handler,
      quickStreamPolling,
    ).run();
    log.stop();
    expect(stats).toEqual({ invocations: 1, failedInvocations: 0, records: 4 });
    const delivered = calls.events.flatMap((e) => e.Records);
    expect(delivered.map((r) => r.eventID)).toEqual(eventIds);
    const items = await scanTable(c.dynamodb, table, EVENT_LOG_KEY_SCHEMA);
    expect(items.map((item) => item.eventId)).toEqual(eventIds.map((id) => ({ S: id })));
    for (const [i, record] of delivered.slice(0, 3).entries()) {
      const item = items.find(
        (it) => JSON.stringify(it.eventId) === JSON.stringify({ S: record.eventID }),
      );
      expect(item?.data).toEqual(marshalJson(JSON.parse(sensorRecords[i]?.data ?? "")));
      expect(item?.dataFormat).toEqual({ S: "json" });
      expect(item?.timestamp).toEqual({
        S: new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1_000)).toISOString(),
      });
    }
    const text = items.find(
      (it) => JSON.stringify(it.eventId) === JSON.stringify({ S: eventIds[3] }),
    );
    expect(text).toMatchObject({
      data: { S: "temperature=23" },
      dataFormat: { S: "text" },
      partitionKey: { S: "4" },
    });
    expect(log.records).toEqual([]);
  });

  it("keeps one item per record when the stream is replayed from TRIM_HORIZON", async () => {
    const before = await scanTable(c.dynamodb, table, EVENT_LOG_KEY_SCHEMA);
    const replay = await new KinesisPoller(c.kinesis, stream, kinesisToTable, {
      batchSize: 2,
      ...quickStreamPolling,
    }).run();
    expect(replay).toEqual({ invocations: 2, failedInvocations: 0, records: 4 });
    expect(await scanTable(c.dynamodb, table, EVENT_LOG_KEY_SCHEMA)).toEqual(before);
  });
});
