import { readFileSync } from "node:fs";
import { GetJobRunCommand, GetJobRunsCommand } from "@aws-sdk/client-glue";
import { describe, expect, it } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { applyChanges, createGlueJob, createKeyedTable } from "../../bin/emulatorResources.js";
import { handler as streamToGlue } from "../../handlers/streamToGlue.js";
import { quickStreamPolling, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

/** The README's `GLUE_JOB_ARGUMENTS` example, exactly as the README prints it. */
const readmeJobArguments = (): string => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const example = /^`GLUE_JOB_ARGUMENTS`: `([^`]+)`/m.exec(readme)?.[1];
  if (example === undefined) throw new Error("README.md has no GLUE_JOB_ARGUMENTS example");
  return example;
};

describe("the README's GLUE_JOB_ARGUMENTS example through the deployable streamToGlue handler (DynamoDB Local stream, moto Glue)", () => {
  const c = emulatorClients();

  it("starts the job run with exactly those arguments (StartJobRun's Arguments, read back with GetJobRun)", async () => {
    const example = readmeJobArguments();
    const job = uniqueName("copy-api-pagos");
    const table = uniqueName("api-pagos");
    const { streamArn } = await createKeyedTable(c.dynamodb, table, { partitionKey: "id" }, true);
    await createGlueJob(c.glue, job);
    setHandlerEnvironment({ GLUE_JOB_NAME: job, GLUE_JOB_ARGUMENTS: example });

    await applyChanges(c.dynamodb, table, [
      { put: { id: { S: "pay-1" }, amount: { N: "10.5" }, status: { S: "paid" } } },
    ]);
    const stats = await new DynamoDbStreamPoller(c.streams, streamArn, streamToGlue, {
      batchSize: 100,
      ...quickStreamPolling,
    }).run();
    expect(stats).toEqual({ invocations: 1, failedInvocations: 0, records: 1 });

    const runs = (await c.glue.send(new GetJobRunsCommand({ JobName: job }))).JobRuns ?? [];
    expect(runs).toHaveLength(1);
    const run = await c.glue.send(new GetJobRunCommand({ JobName: job, RunId: runs[0]?.Id }));
    // StartJobRun's Arguments: a map of strings (Glue API reference), the example's object as is.
    expect(run.JobRun?.Arguments).toEqual(JSON.parse(example));
    expect(Object.keys(run.JobRun?.Arguments ?? {}).length).toBeGreaterThan(0);
  });
});
