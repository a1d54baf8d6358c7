import * as E from "fp-ts/lib/Either.js";
import type { Task } from "fp-ts/lib/Task.js";
import type { ChangeRecord } from "../../domain/streamRecord.js";
import type { JobRunner } from "../jobRunner.js";
import { type BatchReport, type DecodedBatch, unreadable } from "./batchReport.js";

/**
 * What {@link startJobRun} did: the batch report, and the run it started, if it started one.
 * @example const report: JobRunReport = { failed: [], rejected: [], runId: "jr_1" };
 */
export interface JobRunReport extends BatchReport {
  readonly runId?: string;
}

/**
 * Which changes call for a run, and the run's arguments.
 * @example const options: JobRunOptions = { isRelevant: (c) => c.eventName !== "REMOVE", jobArguments: { "--full": "true" } };
 */
export interface JobRunOptions {
  /** Default: every change that decodes. */
  readonly isRelevant?: (change: ChangeRecord) => boolean;
  /** Default: none. */
  readonly jobArguments?: Readonly<Record<string, string>>;
}

/**
 * Starts at most ONE job run for a batch of stream changes, and only when the batch holds a
 * relevant change. When the start fails, whatever the error (concurrent runs exceeded,
 * throttling, a missing job), the first relevant record fails: the changes from it on are not
 * acknowledged until a run starts after them. Records that could not be read are rejected.
 *
 * @example
 * const report = await startJobRun(jobs, { jobArguments: { "--source": "orders" } })(changes)();
 */
export const startJobRun =
  (jobs: JobRunner, options: JobRunOptions = {}) =>
  (changes: DecodedBatch<ChangeRecord>): Task<JobRunReport> =>
  async () => {
    const isRelevant = options.isRelevant ?? (() => true);
    const rejected = unreadable(changes);
    const firstRelevant = changes.findIndex(
      (change) => E.isRight(change) && isRelevant(change.right),
    );
    if (firstRelevant < 0) return { failed: [], rejected };
    const run = await jobs.startRun(options.jobArguments ?? {})();
    return E.isLeft(run)
      ? { failed: [{ index: firstRelevant, error: run.left }], rejected }
      : { failed: [], rejected, runId: run.right.runId };
  };
