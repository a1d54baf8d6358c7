import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { JobRunner } from "../../ports/jobRunner.js";
import type { GlueCalls } from "./glueCalls.js";
import { mapServiceError } from "./mapServiceError.js";

/**
 * {@link JobRunner} over {@link GlueCalls}, whichever Glue they reach: StartJobRun of one job,
 * with the run's arguments merged over `defaultArguments`. It does not retry by itself: a refused
 * start (concurrent runs exceeded, throttling, internal error) is returned as `Transient`, so the
 * caller leaves its batch unacknowledged and Lambda retries it, which is what makes every change
 * be followed by a run started after it. A missing job or refused arguments → `Configuration`.
 *
 * @example
 * const jobs = new JobRunnerOverGlue(calls, "copy-api-pagos");
 * const run = await jobs.startRun({ "--source": "api-pagos" })();
 */
export class JobRunnerOverGlue implements JobRunner {
  constructor(
    private readonly calls: GlueCalls,
    private readonly jobName: string,
    private readonly defaultArguments: Readonly<Record<string, string>> = {},
  ) {}

  readonly startRun = (
    args: Readonly<Record<string, string>>,
  ): TE.TaskEither<PipelineError, { readonly runId: string }> =>
    pipe(
      this.calls.startJobRun({
        JobName: this.jobName,
        Arguments: { ...this.defaultArguments, ...args },
      }),
      TE.mapLeft((failure) => mapServiceError(failure, `Glue job ${this.jobName}`)),
      TE.flatMapEither((response) =>
        response.JobRunId === undefined
          ? E.left(transient("InternalServiceException", "StartJobRun returned no JobRunId"))
          : E.right({ runId: response.JobRunId }),
      ),
    );
}
