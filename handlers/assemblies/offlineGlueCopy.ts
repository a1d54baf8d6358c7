import type { DynamoDBRecord } from "aws-lambda";
import { StreamEventSourceRunner } from "../../adapters/localAws/eventSources/StreamEventSourceRunner.js";
import {
  type VirtualClock,
  virtualClock,
} from "../../adapters/localAws/eventSources/virtualClock.js";
import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { InMemoryRejectSink } from "../../adapters/memory/InMemoryRejectSink.js";
import type { Mapping } from "../../domain/applyMapping.js";
import type { KeySchema } from "../../domain/attributeValue.js";
import { assembleGlueCopy } from "./assembleGlueCopy.js";

/** Settings of the offline Glue copy pipeline. */
export interface OfflineGlueCopyOptions {
  /** ApplyMapping tuples (source path, source type, target path, target type). */
  readonly mappings: ReadonlyArray<Mapping>;
  readonly sourceKey?: KeySchema;
  readonly targetKey?: KeySchema;
  readonly maxConcurrentRuns?: number;
  readonly clock?: VirtualClock;
}

/**
 * The services of the offline Glue copy on a virtual clock: table `api-pagos` (with a stream),
 * table `api-pos-backup`, and the in-memory Glue job copying one to the other.
 *
 * @example
 * const s = glueCopyServices({ mappings: [["id", "string", "id", "string"]] });
 * s.jobs.runs; // []
 */
export const glueCopyServices = (options: OfflineGlueCopyOptions) => {
  const clock = options.clock ?? virtualClock();
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
  return { clock, db, jobs };
};

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
  const { clock, db, jobs } = glueCopyServices(options);
  const rejects = new InMemoryRejectSink();
  const { streamToGlue } = assembleGlueCopy({ jobs, rejects });
  const runner = new StreamEventSourceRunner<DynamoDBRecord>(db.stream("api-pagos"), streamToGlue, {
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
