import * as E from "fp-ts/lib/Either.js";
import { applyMapping, type Mapping } from "../../domain/applyMapping.js";
import { type AttributeMap, canonicalKey, keyOf } from "../../domain/attributeValue.js";
import { type InvalidRecord, invalidRecord } from "../../domain/errors.js";
import type { JobRunner } from "../../ports/jobRunner.js";
import type { InMemoryDynamoDb } from "../localAws/services/InMemoryDynamoDb.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import { JobRunnerOverGlue } from "../shared/JobRunnerOverGlue.js";
import { callService } from "../shared/serviceFailure.js";

/** What a finished copy did. Items that failed are listed, never silently dropped. */
export interface CopyResult {
  readonly itemsRead: number;
  readonly itemsWritten: number;
  /** Items the mapping could not cast, or the target table refused (with the item's key). */
  readonly failures: ReadonlyArray<{ readonly key: AttributeMap; readonly error: InvalidRecord }>;
}

/** One run of the job, as GetJobRun would show it (plus the copy's result). */
export interface JobRun {
  readonly runId: string;
  readonly arguments: Readonly<Record<string, string>>;
  /** Virtual clock time at StartJobRun, in milliseconds. */
  readonly startedAt: number;
  readonly state: "RUNNING" | "SUCCEEDED" | "FAILED";
  readonly completedAt?: number;
  readonly result?: CopyResult;
  readonly errorMessage?: string;
}

/**
 * Hook for fault injection: return an exception name to make `operation` fail with it —
 * `"StartJobRun"` (the start is refused) or `"JobRun"` (the run ends FAILED).
 */
export type JobFaultHook = (
  operation: "StartJobRun" | "JobRun",
  jobName: string,
) => string | undefined;

/** How the in-memory job is set up. */
export interface InMemoryJobRunnerOptions {
  readonly db: InMemoryDynamoDb;
  readonly sourceTable: string;
  readonly targetTable: string;
  readonly mappings: ReadonlyArray<Mapping>;
  /** Glue's MaxConcurrentRuns of the job (default 1). */
  readonly maxConcurrentRuns?: number;
  /** Virtual clock in milliseconds (default: always 0). */
  readonly clock?: () => number;
  /** Named in errors (default `"copy-job"`). */
  readonly jobName?: string;
}

/**
 * A Glue job in memory that does what the seed's job does: scan the source table, ApplyMapping,
 * write every mapped item to the target table. Starts are refused with a `Transient`
 * `ConcurrentRunsExceededException` while `maxConcurrentRuns` runs are RUNNING, as Glue does.
 * Runs do nothing until {@link completeRuns} performs them (time passes when the test says so).
 * Like Glue's DynamoDB writer, the copy only puts: items deleted from the source stay in the
 * target.
 *
 * @example
 * const jobs = new InMemoryJobRunner({ db, sourceTable: "api-pagos", targetTable: "api-pos-backup", mappings });
 * await jobs.startRun({})();
 * jobs.completeRuns();
 */
export class InMemoryJobRunner implements JobRunner {
  private readonly all: JobRun[] = [];
  private counter = 0;
  /** Set to inject faults into the next operations. */
  fault: JobFaultHook | undefined;
  private readonly options: Required<InMemoryJobRunnerOptions>;
  private readonly adapter: JobRunner;

  constructor(options: InMemoryJobRunnerOptions) {
    this.options = { maxConcurrentRuns: 1, clock: () => 0, jobName: "copy-job", ...options };
    this.adapter = new JobRunnerOverGlue(
      {
        startJobRun: (input) =>
          callService(async () => ({
            JobRunId: this.startJobRun(input.JobName ?? "", input.Arguments ?? {}),
          })),
      },
      this.options.jobName,
    );
  }

  /** Every run so far, oldest first. */
  get runs(): ReadonlyArray<JobRun> {
    return this.all;
  }

  /** {@link JobRunner.startRun}: the Glue job runner's code, bound to {@link startJobRun}. */
  readonly startRun: JobRunner["startRun"] = (args) => this.adapter.startRun(args);

  /**
   * StartJobRun as Glue does it: the new run's id, or an {@link InMemoryServiceError} — an
   * injected fault, `EntityNotFoundException` for another job's name, or
   * `ConcurrentRunsExceededException` while `maxConcurrentRuns` runs are RUNNING.
   */
  startJobRun(jobName: string, args: Readonly<Record<string, string>>): string {
    const { maxConcurrentRuns, clock } = this.options;
    const fault = this.fault?.("StartJobRun", this.options.jobName);
    if (fault !== undefined)
      throw new InMemoryServiceError(fault, `injected ${fault} on StartJobRun`);
    if (jobName !== this.options.jobName)
      throw new InMemoryServiceError("EntityNotFoundException", `Job ${jobName} not found`);
    const running = this.all.filter((run) => run.state === "RUNNING").length;
    if (running >= maxConcurrentRuns)
      throw new InMemoryServiceError(
        "ConcurrentRunsExceededException",
        `Concurrent runs exceeded for ${jobName}: ${running} running, max ${maxConcurrentRuns}`,
      );
    this.counter += 1;
    const runId = `jr_${this.counter.toString(16).padStart(64, "0")}`;
    this.all.push({ runId, arguments: { ...args }, startedAt: clock(), state: "RUNNING" });
    return runId;
  }

  /** Performs every RUNNING run's copy, in start order, and marks it SUCCEEDED (or FAILED). */
  completeRuns(): ReadonlyArray<JobRun> {
    const done: JobRun[] = [];
    this.all.forEach((run, index) => {
      if (run.state !== "RUNNING") return;
      const finished = this.perform(run);
      this.all[index] = finished;
      done.push(finished);
    });
    return done;
  }

  private perform(run: JobRun): JobRun {
    const { db, sourceTable, targetTable, mappings, clock, jobName } = this.options;
    const fault = this.fault?.("JobRun", jobName);
    if (fault !== undefined)
      return { ...run, state: "FAILED", completedAt: clock(), errorMessage: `injected ${fault}` };
    let items: ReadonlyArray<AttributeMap>;
    let schema: ReturnType<InMemoryDynamoDb["keySchema"]>;
    try {
      items = db.scan(sourceTable);
      schema = db.keySchema(sourceTable);
      db.keySchema(targetTable);
    } catch (error) {
      return {
        ...run,
        state: "FAILED",
        completedAt: clock(),
        errorMessage: error instanceof Error ? error.message : String(error),
      };
    }
    const failures: { key: AttributeMap; error: InvalidRecord }[] = [];
    let written = 0;
    for (const item of items) {
      const key = keyOf(item, schema) ?? {};
      const mapped = applyMapping(mappings, item, canonicalKey(key));
      if (E.isLeft(mapped)) {
        failures.push({ key, error: mapped.left });
        continue;
      }
      try {
        db.put(targetTable, mapped.right);
        written += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const refused =
          error instanceof InMemoryServiceError && error.name === "ValidationException";
        // An item the table refuses is the item's fault; anything else stops the run, as in Glue.
        if (!refused)
          return { ...run, state: "FAILED", completedAt: clock(), errorMessage: reason };
        failures.push({ key, error: invalidRecord(canonicalKey(key), "$", reason) });
      }
    }
    return {
      ...run,
      state: "SUCCEEDED",
      completedAt: clock(),
      result: { itemsRead: items.length, itemsWritten: written, failures },
    };
  }
}
