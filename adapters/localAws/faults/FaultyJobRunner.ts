import type * as TE from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../../../domain/errors.js";
import type { JobRunner } from "../../../ports/jobRunner.js";
import type { FaultPlan } from "./faultPlan.js";
import { type FaultSite, faultyCall } from "./faultyCalls.js";

/**
 * {@link JobRunner} decorator that injects the faults of a {@link FaultPlan} into `startRun`, in
 * front of any runner (in memory, Glue): `transient` (throttling) and `concurrentRunsExceeded`
 * refuse the start, `timeout` starts the run and loses the answer (a run the caller does not
 * know of), crashes reject before or after the start.
 *
 * @example
 * const jobs = new FaultyJobRunner(new GlueJobRunner(client, "copy-job"), FaultPlan.schedule(["concurrentRunsExceeded"]));
 */
export class FaultyJobRunner implements JobRunner {
  private readonly site: FaultSite;

  constructor(
    private readonly inner: JobRunner,
    plan: FaultPlan,
  ) {
    this.site = { plan, port: "JobRunner", operation: "StartJobRun" };
  }

  readonly startRun =
    (
      args: Readonly<Record<string, string>>,
    ): TE.TaskEither<PipelineError, { readonly runId: string }> =>
    () =>
      faultyCall(this.site, () => this.inner.startRun(args)());
}
