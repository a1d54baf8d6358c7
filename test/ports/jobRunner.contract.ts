import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { JobRunner } from "../../ports/jobRunner.js";

/**
 * Exceptions the contract injects into StartJobRun.
 * @example fixture.inject("ThrottlingException")
 */
export type JobRunnerFault =
  | "ConcurrentRunsExceededException"
  | "ThrottlingException"
  | "InternalServiceException";

/**
 * What the contract needs around a {@link JobRunner}: the runner and a way to observe its job.
 * @example const { runner, argumentsOf } = await makeFixture();
 */
export interface JobRunnerFixture {
  readonly runner: JobRunner;
  /** Lets every running run finish (in memory: complete them; on AWS: wait for them). */
  readonly finishRuns: () => Promise<void>;
  /** The arguments a run was started with (GetJobRun's Arguments). */
  readonly argumentsOf: (runId: string) => Promise<Readonly<Record<string, string>>>;
  /** A runner of a job that does not exist, and that job's name. */
  readonly missing: { readonly runner: JobRunner; readonly job: string };
  /** Makes the next StartJobRun calls fail with this exception (undefined: no fault). */
  readonly inject: (fault: JobRunnerFault | undefined) => void;
}

/**
 * A fixture whose job limits its concurrent runs (see {@link jobRunnerConcurrencyContract}).
 * @example const { runner, maxConcurrentRuns } = await makeFixture();
 */
export interface LimitedJobRunnerFixture extends JobRunnerFixture {
  /** The job's MaxConcurrentRuns. */
  readonly maxConcurrentRuns: number;
}

/**
 * The behaviour every {@link JobRunner} adapter must have, as one suite to run against each:
 * `jobRunnerContract("InMemoryJobRunner", async () => fixture)` (and GlueJobRunner on moto).
 */
export const jobRunnerContract = (name: string, makeFixture: () => Promise<JobRunnerFixture>) =>
  describe(`JobRunner contract: ${name}`, () => {
    it("starts a run with the given arguments and returns its id", async () => {
      const { runner, argumentsOf, finishRuns } = await makeFixture();
      const run = await runner.startRun({ "--source": "api-pagos", "--note": "día 1" })();
      expect(E.isRight(run)).toBe(true);
      const runId = E.isRight(run) ? run.right.runId : "";
      expect(runId).toMatch(/^jr_[0-9a-f]{64}$/);
      expect(await argumentsOf(runId)).toEqual({ "--source": "api-pagos", "--note": "día 1" });
      await finishRuns();
    });

    it("gives every run its own id", async () => {
      const { runner, finishRuns } = await makeFixture();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const run = await runner.startRun({})();
        if (E.isRight(run)) ids.push(run.right.runId);
        await finishRuns();
      }
      expect(new Set(ids).size).toBe(3);
    });

    it("returns a Configuration error naming a job that does not exist", async () => {
      const { missing } = await makeFixture();
      expect(await missing.runner.startRun({})()).toEqual(
        E.left(
          expect.objectContaining({
            _tag: "Configuration",
            resource: expect.stringContaining(missing.job),
          }),
        ),
      );
    });

    it("reports a refused start (concurrent runs exceeded, throttling, internal error) as Transient", async () => {
      const { runner, inject, finishRuns } = await makeFixture();
      for (const fault of [
        "ConcurrentRunsExceededException",
        "ThrottlingException",
        "InternalServiceException",
      ] as const) {
        inject(fault);
        const refused = await runner.startRun({})();
        expect(refused).toMatchObject({
          _tag: "Left",
          left: { _tag: "Transient", operation: fault },
        });
      }
      inject(undefined);
      expect(E.isRight(await runner.startRun({})())).toBe(true);
      await finishRuns();
    });
  });

/**
 * MaxConcurrentRuns enforced by the job itself. In memory only: moto_server's job runs finish
 * the moment they are looked at (its state manager's default), so its StartJobRun never sees a
 * run still RUNNING; on AWS the refusal's mapping is covered by the injected
 * ConcurrentRunsExceededException of {@link jobRunnerContract}.
 * @example jobRunnerConcurrencyContract("InMemoryJobRunner (MaxConcurrentRuns 1)", fixture(1));
 */
export const jobRunnerConcurrencyContract = (
  name: string,
  makeFixture: () => Promise<LimitedJobRunnerFixture>,
) =>
  describe(`JobRunner concurrency: ${name}`, () => {
    it("refuses a start beyond MaxConcurrentRuns with a Transient error, then accepts once runs finish", async () => {
      const { runner, maxConcurrentRuns, finishRuns } = await makeFixture();
      const ids = new Set<string>();
      for (let i = 0; i < maxConcurrentRuns; i++) {
        const run = await runner.startRun({})();
        if (E.isLeft(run)) throw new Error(`start ${i} refused: ${run.left._tag}`);
        ids.add(run.right.runId);
      }
      const refused = await runner.startRun({})();
      expect(refused).toMatchObject({ _tag: "Left", left: { _tag: "Transient" } });
      await finishRuns();
      const again = await runner.startRun({})();
      expect(E.isRight(again)).toBe(true);
      if (E.isRight(again)) expect(ids.has(again.right.runId)).toBe(false);
      await finishRuns();
    });
  });
