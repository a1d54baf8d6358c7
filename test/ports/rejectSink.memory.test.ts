import { InMemorySqs } from "../../adapters/localAws/services/InMemorySqs.js";
import {
  inMemoryS3RejectSink,
  inMemorySqsRejectSink,
} from "../../adapters/memory/InMemoryDestinationRejectSinks.js";
import { InMemoryObjectStore } from "../../adapters/memory/InMemoryObjectStore.js";
import { rejectSinkContract } from "./rejectSink.contract.js";

// The same suite runs on moto_server (rejectSink.aws.test.ts).
rejectSinkContract("SQS (in memory)", async () => {
  const sqs = new InMemorySqs(() => 0);
  sqs.createQueue("rejects", { visibilityTimeoutSeconds: 30 });
  return {
    sink: inMemorySqsRejectSink(sqs, "rejects", "contract"),
    stored: async () => sqs.peek("rejects").map((m) => m.body),
    failing: inMemorySqsRejectSink(sqs, "missing", "contract"),
  };
});

rejectSinkContract("S3 (in memory)", async () => {
  const objects = new InMemoryObjectStore();
  objects.createBucket("ops");
  const at = { bucket: "ops", prefix: "rejects/" };
  return {
    sink: inMemoryS3RejectSink(objects, at, "contract"),
    stored: async () => objects.keys("ops", "rejects/").map((key) => objects.text("ops", key)),
    failing: inMemoryS3RejectSink(objects, { bucket: "missing", prefix: "" }, "contract"),
  };
});
