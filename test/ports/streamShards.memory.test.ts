import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryStreamShards } from "../../adapters/memory/InMemoryStreamShards.js";
import { streamShardsContract } from "./streamShards.contract.js";

streamShardsContract("InMemoryStreamShards", async () => {
  const db = new InMemoryDynamoDb();
  db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
  db.createTable("other", { partitionKey: "order_id" }, { stream: true });
  for (const id of ["1", "2", "3"]) {
    db.put("orders", { order_id: { S: id } });
    db.put("other", { order_id: { S: id } });
  }
  const stream = db.stream("orders");
  return {
    shards: new InMemoryStreamShards(db),
    streamArn: stream.arn,
    records: stream.all().map((r) => ({
      streamArn: stream.arn,
      eventId: r.eventID ?? "",
      sequenceNumber: r.dynamodb?.SequenceNumber ?? "",
    })),
    missingArn:
      "arn:aws:dynamodb:us-east-1:000000000000:table/missing/stream/1970-01-01T00:00:00.000",
  };
});
