import { InMemoryDynamoDb } from "../../adapters/memory/InMemoryDynamoDb.js";
import { InMemoryJobRunner } from "../../adapters/memory/InMemoryJobRunner.js";
import { paymentMappings } from "../helpers/glue.js";
import { jobRunnerContract } from "./jobRunner.contract.js";

const fixture = (maxConcurrentRuns: number) => async () => {
  const db = new InMemoryDynamoDb();
  db.createTable("api-pagos", { partitionKey: "id" });
  db.createTable("api-pos-backup", { partitionKey: "id" });
  const runner = new InMemoryJobRunner({
    db,
    sourceTable: "api-pagos",
    targetTable: "api-pos-backup",
    mappings: paymentMappings,
    maxConcurrentRuns,
  });
  return {
    runner,
    maxConcurrentRuns,
    finishRuns: async () => {
      runner.completeRuns();
    },
    argumentsOf: async (runId: string) =>
      runner.runs.find((run) => run.runId === runId)?.arguments ?? {},
  };
};

jobRunnerContract("InMemoryJobRunner (MaxConcurrentRuns 1)", fixture(1));
jobRunnerContract("InMemoryJobRunner (MaxConcurrentRuns 3)", fixture(3));
