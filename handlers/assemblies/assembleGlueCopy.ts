import type { DynamoDBRecord } from "aws-lambda";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import { virtualClock } from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { Mapping } from "../../domain/applyMapping.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import { createStreamToGlueHandler } from "../streamToGlue.js";

/** Settings of the offline Glue copy pipeline. */
export interface OfflineGlueCopyOptions {
  /** ApplyMapping tuples (source path, source type, target path, target type). */
  readonly mappings: ReadonlyArray<Mapping>;
  readonly sourceKey?: KeySchema;
  readonly targetKey?: KeySchema;
  readonly maxConcurrentRuns?: number;
}

/**
 * Seed 001 offline: table `api-pagos` (with a stream) → streamToGlue (at most one StartJobRun
 * per invocation) → an in-memory Glue job that copies `api-pagos` to `api-pos-backup` through
 * ApplyMapping. `run()` delivers the stream, then lets the started runs complete.
 *
 * @example
 * const p = offlineGlueCopy({ mappings: [["id", "string", "id", "string"]] });
 * p.db.put("api-pagos", { id: { S: "p1" }, amount: { N: "10" } });
 * await p.run();
 * p.db.scan("api-pos-backup"); // [{ id: { S: "p1" } }]
 */
export const offlineGlueCopy = (options: OfflineGlueCopyOptions) => {
  const clock = virtualClock();
  const db = new InMemoryDynamoDb(clock.now);
  db.createTable("api-pagos", options.sourceKey ?? { partitionKey: "id" }, { stream: true });
  db.createTable("api-pos-backup", options.targetKey ?? { partitionKey: "id" });
  const jobs = new InMemoryJobRunner({
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings: options.mappings,
    maxConcurrentRuns: options.maxConcurrentRuns ?? 1,
    clock: clock.now,
  });
  const rejects = new InMemoryRejectSink();
  const handler = createStreamToGlueHandler({ jobs, rejects });
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("api-pagos"), handler, {
    batchSize: 100,
    sequenceOf: (record) => record.dynamodb?.SequenceNumber ?? "",
  });
  return {
    clock,
    db,
    jobs,
    rejects,
    /** Delivers the stream (starting runs), then completes the runs (performing the copy). */
    run: async () => {
      const delivered = await runner.drain();
      clock.advance(60_000);
      return { delivered, runs: jobs.completeRuns() };
    },
  };
};
