/**
 * Least-privilege scenarios of the stream entry points (streamToGlue, streamAggregate,
 * kinesisToTable) on the emulators: see test/permissions/permissionRig.ts and
 * test/permissions/permissions.aws.test.ts.
 */
import { DescribeStreamCommand } from "@aws-sdk/client-dynamodb-streams";
import { GetJobRunsCommand } from "@aws-sdk/client-glue";
import { PutRecordCommand } from "@aws-sdk/client-kinesis";
import { expect } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { KinesisPoller } from "../../adapters/localAws/pollers/KinesisPoller.js";
import {
  applyChanges,
  createGlueJob,
  createKeyedTable,
  createKinesisStream,
  scanTable,
} from "../../bin/emulatorResources.js";
import { paymentChanges, seedOrders, sensorRecords } from "../../bin/scenarioData.js";
import { EVENT_LOG_KEY_SCHEMA } from "../../domain/eventLog.js";
import { deliveredTwice, quickStreamPolling } from "../support/awsPipelines.js";
import { uniqueName } from "../support/emulators.js";
import { arnIn, fresh, type PermissionScenario, quietly, STREAM_READS } from "./permissionRig.js";

/** streamToGlue, streamAggregate, kinesisToTable. */
export const streamPermissionScenarios: ReadonlyArray<PermissionScenario> = [
  {
    name: "streamToGlue",
    recorded: { code: ["glue:StartJobRun"], eventSource: STREAM_READS },
    make: async (rig) => {
      const jobName = uniqueName("copy-api-pagos");
      const table = uniqueName("api-pagos");
      await createGlueJob(rig.setup.glue, jobName);
      const { streamArn } = await createKeyedTable(
        rig.setup.dynamodb,
        table,
        { partitionKey: "id" },
        true,
      );
      rig.environment({
        GLUE_JOB_NAME: jobName,
        GLUE_JOB_ARGUMENTS: '{"--source_table":"api-pagos"}',
      });
      const { handler, permissions } = await fresh(() => import("../../handlers/streamToGlue.js"));
      return {
        permissions: permissions({
          ...rig.at,
          jobName,
          sourceStreamArn: streamArn,
          sourceStreamKeyArn: rig.keyArn("api-pagos"),
        }),
        keys: [{ resource: streamArn, keyArn: rig.keyArn("api-pagos") }],
        main: async () => {
          await applyChanges(rig.setup.dynamodb, table, paymentChanges);
          await new DynamoDbStreamPoller(
            rig.source.streams,
            streamArn,
            handler,
            quickStreamPolling,
          ).run();
          const runs = await rig.setup.glue.send(new GetJobRunsCommand({ JobName: jobName }));
          expect(runs.JobRuns).toHaveLength(1);
        },
      };
    },
  },
  {
    name: "streamAggregate",
    recorded: {
      code: [
        "dynamodb:DescribeStream",
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "kms:Decrypt",
      ],
      eventSource: STREAM_READS,
    },
    make: async (rig) => {
      const orders = uniqueName("orders");
      const totalsTable = uniqueName("totals");
      const { streamArn } = await createKeyedTable(
        rig.setup.dynamodb,
        orders,
        { partitionKey: "order_id" },
        true,
      );
      await createKeyedTable(rig.setup.dynamodb, totalsTable, {
        partitionKey: "order_date",
        sortKey: "item_number",
      });
      // As the constructs deploy it: the mapping's ParallelizationFactor told.
      rig.environment({ TOTALS_TABLE: totalsTable, PARALLELIZATION_FACTOR: "1" });
      const { handler, permissions } = await fresh(
        () => import("../../handlers/streamAggregate.js"),
      );
      return {
        permissions: permissions({
          ...rig.at,
          totalsTable,
          totalsTableKeyArn: rig.keyArn("totals"),
          sourceStreamArn: streamArn,
          sourceStreamKeyArn: rig.keyArn("orders"),
        }),
        keys: [
          { resource: arnIn(rig.at).table(totalsTable), keyArn: rig.keyArn("totals") },
          { resource: streamArn, keyArn: rig.keyArn("orders") },
        ],
        main: async () => {
          await applyChanges(
            rig.setup.dynamodb,
            orders,
            seedOrders("2026-11-21T10:00:00Z").map((put) => ({ put })),
          );
          // Every batch twice: the second transaction is cancelled by the markers.
          const twice = deliveredTwice(handler);
          await new DynamoDbStreamPoller(rig.source.streams, streamArn, twice.handler, {
            ...quickStreamPolling,
            batchSize: 2,
          }).run();
          expect(twice.events).toHaveLength(2);
        },
        rare: {
          actions: [
            "dynamodb:GetItem",
            "dynamodb:DescribeStream",
            "dynamodb:GetShardIterator",
            "dynamodb:GetRecords",
            "kms:Decrypt",
          ],
          because:
            "a transaction DynamoDB refuses as invalid (a total out of range) is retried record by record, and a lone record's marker is read to tell a record applied before from one to reject; a batch without a tumbling window whose records a watermark may have applied (the window removed from the mapping while the batch was pending) looks its shard up in the stream",
          run: async () => {
            // Applied in a tumbling-window invocation, then delivered again without the window.
            const { StreamDescription } = await rig.setup.streams.send(
              new DescribeStreamCommand({ StreamArn: streamArn }),
            );
            const shardId = StreamDescription?.Shards?.[0]?.ShardId ?? "";
            // New orders on new totals: applied by watermarks alone (no marker to find).
            await applyChanges(
              rig.setup.dynamodb,
              orders,
              seedOrders("2026-11-22T10:00:00Z").map((order) => ({
                put: { ...order, order_id: { S: `late-${(order.order_id as { S: string }).S}` } },
              })),
            );
            await new DynamoDbStreamPoller(
              rig.source.streams,
              streamArn,
              async (event, context) => {
                const windowed = {
                  ...event,
                  shardId,
                  window: { start: "2026-11-22T10:00:00Z", end: "2026-11-22T10:15:00Z" },
                  state: {},
                  isFinalInvokeForWindow: false,
                  isWindowTerminatedEarly: false,
                };
                await handler(windowed, context);
                return handler(event, context);
              },
              { ...quickStreamPolling, batchSize: 10 },
            ).run();
            const largest = "9".repeat(38);
            await applyChanges(rig.setup.dynamodb, orders, [
              {
                put: {
                  order_id: { S: "big-1" },
                  order_date: { S: "2026-01-01" },
                  item_id: { S: "big" },
                  quantity: { N: largest },
                },
              },
              {
                put: {
                  order_id: { S: "big-2" },
                  order_date: { S: "2026-01-01" },
                  item_id: { S: "big" },
                  quantity: { N: largest },
                },
              },
            ]);
            await quietly(() =>
              new DynamoDbStreamPoller(rig.source.streams, streamArn, handler, {
                ...quickStreamPolling,
                batchSize: 10,
              }).run(),
            );
          },
        },
      };
    },
  },
  {
    name: "kinesisToTable",
    recorded: {
      code: ["dynamodb:BatchWriteItem", "dynamodb:DescribeTable", "kms:Decrypt"],
      eventSource: [
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "kms:Decrypt",
      ],
    },
    make: async (rig) => {
      const stream = uniqueName("EventStream");
      const table = uniqueName("EventLogs");
      await createKinesisStream(rig.setup.kinesis, stream, 1);
      await createKeyedTable(rig.setup.dynamodb, table, EVENT_LOG_KEY_SCHEMA);
      rig.environment({ TABLE_NAME: table });
      const { handler, permissions } = await fresh(
        () => import("../../handlers/kinesisToTable.js"),
      );
      return {
        permissions: permissions({
          ...rig.at,
          tableName: table,
          tableKeyArn: rig.keyArn("event-logs"),
          sourceStreamName: stream,
          sourceStreamKeyArn: rig.keyArn("event-stream"),
        }),
        keys: [
          { resource: arnIn(rig.at).table(table), keyArn: rig.keyArn("event-logs") },
          { resource: arnIn(rig.at).kinesis(stream), keyArn: rig.keyArn("event-stream") },
        ],
        main: async () => {
          for (const { partitionKey, data } of sensorRecords)
            await rig.setup.kinesis.send(
              new PutRecordCommand({
                StreamName: stream,
                PartitionKey: partitionKey,
                Data: Buffer.from(data),
              }),
            );
          await quietly(() =>
            new KinesisPoller(rig.source.kinesis, stream, handler, quickStreamPolling).run(),
          );
          expect(await scanTable(rig.setup.dynamodb, table, EVENT_LOG_KEY_SCHEMA)).toHaveLength(4);
        },
      };
    },
  },
];
