import { CreateJobCommand, GetJobRunCommand, GetJobRunsCommand } from "@aws-sdk/client-glue";
import { afterAll, beforeAll } from "vitest";
import { GlueJobRunner } from "../../adapters/aws/GlueJobRunner.js";
import { emulatorEndpoints, uniqueName } from "../support/emulators.js";
import { type FaultProxy, proxiedClients, startFaultProxy } from "../support/faultProxy.js";
import {
  type JobRunnerFault,
  type JobRunnerFixture,
  jobRunnerContract,
} from "./jobRunner.contract.js";

// Glue is reached through a fault proxy in front of moto_server: it forwards every call untouched
// unless a test injects an exception into this job's StartJobRun calls. Only the core suite runs
// here: the concurrency suite stays in memory (see jobRunnerConcurrencyContract), and moto runs
// no script, so the copy itself is tested in memory too.
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy(emulatorEndpoints().moto);
});
afterAll(() => proxy.close());

const UNFINISHED = new Set(["STARTING", "RUNNING", "STOPPING", "WAITING"]);

jobRunnerContract("GlueJobRunner on moto", async (): Promise<JobRunnerFixture> => {
  const { glue } = proxiedClients(proxy.endpoint);
  const job = uniqueName("copy");
  await glue.send(
    new CreateJobCommand({
      Name: job,
      Role: "arn:aws:iam::123456789012:role/glue-copy",
      Command: { Name: "glueetl", ScriptLocation: "s3://scripts/copy.py", PythonVersion: "3" },
      ExecutionProperty: { MaxConcurrentRuns: 3 },
      GlueVersion: "4.0",
    }),
  );
  let fault: JobRunnerFault | undefined;
  proxy.rule = ({ operation, body }) =>
    fault !== undefined &&
    operation === "StartJobRun" &&
    (body as { JobName?: string } | undefined)?.JobName === job
      ? { error: fault, status: fault === "InternalServiceException" ? 500 : 400 }
      : undefined;
  const missing = uniqueName("missing");
  return {
    runner: new GlueJobRunner(glue, job),
    finishRuns: async () => {
      // Bounded polling: moto moves a run on each time it is looked at.
      for (let round = 0; round < 50; round++) {
        const { JobRuns = [] } = await glue.send(new GetJobRunsCommand({ JobName: job }));
        if (!JobRuns.some((run) => UNFINISHED.has(run.JobRunState ?? ""))) return;
      }
      throw new Error(`runs of ${job} did not finish`);
    },
    argumentsOf: async (runId) => {
      const { JobRun } = await glue.send(new GetJobRunCommand({ JobName: job, RunId: runId }));
      return JobRun?.Arguments ?? {};
    },
    missing: { runner: new GlueJobRunner(glue, missing), job: missing },
    inject: (next) => {
      fault = next;
    },
  };
});
