import { type GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import * as TE from "fp-ts/lib/TaskEither.js";
import { configurationError, type PipelineError, transient } from "../../domain/errors.js";
import type { JobRunner } from "../../ports/jobRunner.js";
import { mapAwsError } from "./mapAwsError.js";

const RETRYABLE = new Set([
  "ConcurrentRunsExceededException",
  "ThrottlingException",
  "OperationTimeoutException",
  "InternalServiceException",
  "ResourceNumberLimitExceededException",
]);

/**
 * Maps a Glue StartJobRun exception to the domain's error, keeping it as `cause`: concurrent runs
 * exceeded, throttling, timeouts and internal errors → `Transient`; a missing job
 * (`EntityNotFoundException`) or arguments Glue refuses (`InvalidInputException`) →
 * `Configuration` naming the job; the rest as {@link mapAwsError}.
 * @example mapGlueError(error, "copy-job")
 */
export const mapGlueError = (error: unknown, jobName: string): PipelineError => {
  const name = (error as { readonly name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  const resource = `Glue job ${jobName}`;
  if (typeof name === "string" && RETRYABLE.has(name)) return transient(name, message, error);
  if (name === "EntityNotFoundException")
    return configurationError(resource, `does not exist (${message})`, error);
  if (name === "InvalidInputException")
    return configurationError(resource, `refused the run's input (${message})`, error);
  return mapAwsError(error, resource);
};

/**
 * {@link JobRunner} on AWS Glue: StartJobRun of one job, with the run's arguments merged over
 * `defaultArguments`. It does not retry by itself (the SDK already retries throttling): a refused
 * start is returned as `Transient`, so the caller leaves its batch unacknowledged and Lambda
 * retries it, which is what makes every change be followed by a run started after it.
 *
 * @example
 * const jobs = new GlueJobRunner(new GlueClient({}), "copy-api-pagos");
 * const run = await jobs.startRun({ "--source": "api-pagos" })();
 */
export class GlueJobRunner implements JobRunner {
  constructor(
    private readonly client: GlueClient,
    private readonly jobName: string,
    private readonly defaultArguments: Readonly<Record<string, string>> = {},
  ) {}

  readonly startRun = (
    args: Readonly<Record<string, string>>,
  ): TE.TaskEither<PipelineError, { readonly runId: string }> =>
    TE.tryCatch(
      async () => {
        const response = await this.client.send(
          new StartJobRunCommand({
            JobName: this.jobName,
            Arguments: { ...this.defaultArguments, ...args },
          }),
        );
        if (response.JobRunId === undefined)
          throw Object.assign(new Error("StartJobRun returned no JobRunId"), {
            name: "InternalServiceException",
          });
        return { runId: response.JobRunId };
      },
      (error) => mapGlueError(error, this.jobName),
    );
}
