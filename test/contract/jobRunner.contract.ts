import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { JobRunner } from "../../ports/jobRunner.js";

/** What the contract needs around a {@link JobRunner}: the runner and a way to observe its job. */
export interface JobRunnerFixture {
  readonly runner: JobRunner;
  /** The job's MaxConcurrentRuns. */
  readonly maxConcurrentRuns: number;
  /** Lets every running run finish (in memory: complete them; on AWS: wait for them). */
  readonly finishRuns: () => Promise<void>;
  /** The arguments a run was started with (GetJobRun's Arguments). */
  readonly argumentsOf: (runId: string) => Promise<Readonly<Record<string, string>>>;
}

/**
 * The behaviour every {@link JobRunner} adapter must have, as one suite to run against each:
 * `jobRunnerContract("InMemoryJobRunner", async () => fixture)`.
 */
export const jobRunnerContract = (name: string, makeFixture: () => Promise<JobRunnerFixture>) =>
  describe(`JobRunner contract: ${name}`, () => {
    it("starts a run with the given arguments and returns its id", async () => {
      const { runner, argumentsOf, finishRuns } = await makeFixture();
      const run = await runner.startRun({ "--source": "api-pagos", "--note": "día 1" })();
      expect(E.isRight(run)).toBe(true);
      const runId = E.isRight(run) ? run.right.runId : "";
      expect(runId).not.toBe("");
      expect(await argumentsOf(runId)).toEqual({ "--source": "api-pagos", "--note": "día 1" });
      await finishRuns();
    });

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
  });
