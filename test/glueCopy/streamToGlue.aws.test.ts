import { GetJobRunsCommand, type JobRun } from "@aws-sdk/client-glue";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbStreamPoller } from "../../adapters/localAws/pollers/DynamoDbStreamPoller.js";
import { applyChanges, createGlueJob, createKeyedTable } from "../../bin/emulatorResources.js";
import { paymentChanges } from "../../bin/scenarioData.js";
import { handler as streamToGlue } from "../../handlers/streamToGlue.js";
import { quickStreamPolling, recording, setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";

const jobArguments = { "--source_table": "api-pagos", "--target_table": "api-pos-backup" };

/** The latest ApproximateCreationDateTime (epoch seconds) of the records delivered. */
const lastChangeSeconds = (events: ReadonlyArray<DynamoDBStreamEvent>): number =>
  Math.max(
    ...events.flatMap((e) => e.Records.map((r) => r.dynamodb?.ApproximateCreationDateTime ?? 0)),
  );

describe("Glue on the emulators: stream → streamToGlue → StartJobRun (moto runs no Spark)", () => {
  const c = emulatorClients();
  const job = uniqueName("copy-api-pagos");
  const table = uniqueName("api-pagos");
  let streamArn = "";
  const calls = recording(streamToGlue);
  let poller: DynamoDbStreamPoller;

  const runs = async (): Promise<ReadonlyArray<JobRun>> =>
    (await c.glue.send(new GetJobRunsCommand({ JobName: job }))).JobRuns ?? [];

  beforeAll(async () => {
    ({ streamArn } = await createKeyedTable(c.dynamodb, table, { partitionKey: "id" }, true));
    setHandlerEnvironment({ GLUE_JOB_NAME: job, GLUE_JOB_ARGUMENTS: JSON.stringify(jobArguments) });
    poller = new DynamoDbStreamPoller(c.streams, streamArn, calls.handler, {
      batchSize: 100,
      ...quickStreamPolling,
    });
  });

  it("leaves the batch unacknowledged while the start is refused (the job does not exist yet), then starts one run with the configured arguments after seed 001's four changes", async () => {
    await applyChanges(c.dynamodb, table, paymentChanges);
    await expect(poller.run()).rejects.toThrow(/failed 4 times/);
    expect(calls.events).toHaveLength(4);
    await createGlueJob(c.glue, job);
    expect(await runs()).toHaveLength(0);
    const stats = await poller.run();
    expect(stats).toEqual({ invocations: 1, failedInvocations: 0, records: 4 });
    expect(calls.events.at(-1)?.Records).toHaveLength(4);
    const started = await runs();
    expect(started).toHaveLength(1);
    expect(started[0]?.Arguments).toEqual(jobArguments);
    expect(started[0]?.StartedOn?.getTime()).toBeGreaterThanOrEqual(
      lastChangeSeconds(calls.events) * 1_000,
    );
  });

  it("starts another run for a later change (a REMOVE too), and none when nothing changed", async () => {
    await applyChanges(c.dynamodb, table, [{ delete: { id: { S: "pay-3" } } }]);
    const stats = await poller.run();
    expect(stats.records).toBe(1);
    const started = await runs();
    expect(started).toHaveLength(2);
    const latest = Math.max(...started.map((run) => run.StartedOn?.getTime() ?? 0));
    expect(latest).toBeGreaterThanOrEqual(lastChangeSeconds(calls.events.slice(-1)) * 1_000);
    expect((await poller.run()).invocations).toBe(0);
    expect(await runs()).toHaveLength(2);
  });

  it("starts at most one run per invocation: batches of 2 from another table's stream give 2 runs", async () => {
    const other = uniqueName("api-pagos-b");
    const { streamArn: otherArn } = await createKeyedTable(
      c.dynamodb,
      other,
      { partitionKey: "id" },
      true,
    );
    await applyChanges(c.dynamodb, other, paymentChanges);
    const stats = await new DynamoDbStreamPoller(c.streams, otherArn, streamToGlue, {
      batchSize: 2,
      ...quickStreamPolling,
    }).run();
    expect(stats.invocations).toBe(2);
    expect(await runs()).toHaveLength(4);
  });
});
