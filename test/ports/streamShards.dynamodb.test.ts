import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { DynamoDbStreamShards } from "../../adapters/aws/DynamoDbStreamShards.js";
import { createTable, emulatorClients } from "../support/emulators.js";
import { streamShardsContract } from "./streamShards.contract.js";

streamShardsContract("DynamoDbStreamShards on DynamoDB Local", async () => {
  const { dynamodb, streams } = emulatorClients();
  const { name, streamArn } = await createTable(
    dynamodb,
    "orders",
    { order_id: "S" },
    { stream: true },
  );
  const other = await createTable(dynamodb, "other", { order_id: "S" }, { stream: true });
  if (streamArn === undefined || other.streamArn === undefined) throw new Error("no stream");
  for (const id of ["1", "2", "3"]) {
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { order_id: { S: id } } }));
    await dynamodb.send(
      new PutItemCommand({ TableName: other.name, Item: { order_id: { S: id } } }),
    );
  }
  const { StreamDescription } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const records = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
    for (const r of page.Records ?? [])
      records.push({
        streamArn,
        eventId: r.eventID ?? "",
        sequenceNumber: r.dynamodb?.SequenceNumber ?? "",
      });
  }
  return {
    shards: new DynamoDbStreamShards(streams),
    streamArn,
    records,
    missingArn: streamArn.replace(name, "missing-table"),
  };
});
