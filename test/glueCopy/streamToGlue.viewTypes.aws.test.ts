import type { StreamViewType } from "@aws-sdk/client-dynamodb";
import { GetJobRunsCommand } from "@aws-sdk/client-glue";
import { beforeAll, describe, expect, it } from "vitest";
import { applyChanges, createGlueJob } from "../../bin/emulatorResources.js";
import { handler as streamToGlue } from "../../handlers/streamToGlue.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { createViewTypeTable, pollRejects } from "../support/viewTypeTables.js";

/**
 * A Glue trigger needs only what every stream record carries, whatever the table's
 * StreamViewType (KEYS_ONLY: Keys only; NEW_IMAGE; OLD_IMAGE; NEW_AND_OLD_IMAGES): eventName,
 * Keys and SequenceNumber.
 */
describe("streamToGlue deployed, on streams of every view type: INSERT and MODIFY start a run", () => {
  const c = emulatorClients();
  const job = uniqueName("copy-view-types");

  const runs = async () =>
    (await c.glue.send(new GetJobRunsCommand({ JobName: job }))).JobRuns?.length ?? 0;

  beforeAll(async () => {
    await createGlueJob(c.glue, job);
    setHandlerEnvironment({ GLUE_JOB_NAME: job });
  });

  for (const viewType of ["KEYS_ONLY", "OLD_IMAGE", "NEW_IMAGE", "NEW_AND_OLD_IMAGES"] as const)
    it(`${viewType}: an INSERT and a MODIFY start one run, nothing is rejected`, async () => {
      const table = uniqueName(`pagos-${viewType}`);
      const streamArn = await createViewTypeTable(
        c.dynamodb,
        table,
        { id: "S" },
        viewType as StreamViewType,
      );
      await applyChanges(c.dynamodb, table, [
        { put: { id: { S: "pay-1" }, amount: { N: "10" } } },
        { put: { id: { S: "pay-1" }, amount: { N: "12" } } },
      ]);
      const before = await runs();
      const run = await pollRejects(streamToGlue, c.streams, streamArn);
      expect(run.records).toBe(2);
      expect(run.rejected).toEqual([]);
      expect(run.responses).toEqual([{ batchItemFailures: [] }]);
      expect(await runs()).toBe(before + 1);
    });
});
