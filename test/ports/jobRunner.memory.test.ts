import { InMemoryDynamoDb } from "../../adapters/localAws/services/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { paymentMappings } from "../glueCopy/glueRig.js";
import {
  type JobRunnerFault,
  jobRunnerConcurrencyContract,
  jobRunnerContract,
  type LimitedJobRunnerFixture,
} from "./jobRunner.contract.js";

const fixture = (maxConcurrentRuns: number) => async (): Promise<LimitedJobRunnerFixture> => {
  const db = new InMemoryDynamoDb();
  db.createTable("api-pagos", { partitionKey: "id" });
  db.createTable("api-pos-backup", { partitionKey: "id" });
  const options = {
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings: paymentMappings,
    maxConcurrentRuns,
  };
  const runner = new InMemoryJobRunner(options);
  let fault: JobRunnerFault | undefined;
  runner.fault = (operation) => (operation === "StartJobRun" ? fault : undefined);
  // The in-memory runner is its job: a missing job is one whose StartJobRun Glue refuses as absent.
  const missing = new InMemoryJobRunner({ ...options, jobName: "missing-job" });
  missing.fault = (operation) =>
    operation === "StartJobRun" ? "EntityNotFoundException" : undefined;
  return {
    runner,
    maxConcurrentRuns,
    finishRuns: async () => {
      runner.completeRuns();
    },
    argumentsOf: async (runId: string) =>
      runner.runs.find((run) => run.runId === runId)?.arguments ?? {},
    missing: { runner: missing, job: "missing-job" },
    inject: (next) => {
      fault = next;
    },
  };
};

// The core suite also runs on moto_server (jobRunner.glue.test.ts); the concurrency suite stays
// in memory (see jobRunnerConcurrencyContract). The copy a run performs is tested with the
// in-memory pipeline (test/glueCopy/streamToGlue.test.ts): moto does not run Glue scripts.
jobRunnerContract("InMemoryJobRunner", fixture(3));
jobRunnerConcurrencyContract("InMemoryJobRunner (MaxConcurrentRuns 1)", fixture(1));
jobRunnerConcurrencyContract("InMemoryJobRunner (MaxConcurrentRuns 3)", fixture(3));
