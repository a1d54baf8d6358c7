import { type GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { JobRunnerOverGlue } from "../shared/JobRunnerOverGlue.js";
import { callService } from "../shared/serviceFailure.js";

/**
 * {@link JobRunnerOverGlue} on AWS Glue: StartJobRun is `client.send` of its command (the SDK
 * already retries throttling; a refused start is returned as `Transient`).
 *
 * @example
 * const jobs = new GlueJobRunner(new GlueClient({}), "copy-api-pagos");
 * const run = await jobs.startRun({ "--source": "api-pagos" })();
 */
export class GlueJobRunner extends JobRunnerOverGlue {
  constructor(
    client: GlueClient,
    jobName: string,
    defaultArguments: Readonly<Record<string, string>> = {},
  ) {
    super(
      { startJobRun: (input) => callService(() => client.send(new StartJobRunCommand(input))) },
      jobName,
      defaultArguments,
    );
  }
}
