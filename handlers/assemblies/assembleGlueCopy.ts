import type { JobRunner } from "../../ports/jobRunner.js";
import type { RejectSink } from "../../ports/rejectSink.js";
import { createStreamToGlueHandler, type StreamToGlueDeps } from "../streamToGlue.js";

/** The ports of the Glue copy pipeline (seed 001). */
export interface GlueCopyPorts {
  /** The Glue job that copies the table. */
  readonly jobs: JobRunner;
  /** Where undecodable stream records are reported. */
  readonly rejects: RejectSink;
}

/** Which changes call for a run, and the run's arguments (see {@link StreamToGlueDeps}). */
export type GlueCopyOptions = Pick<StreamToGlueDeps, "isRelevant" | "jobArguments">;

/**
 * The Glue copy wired: DynamoDB stream → streamToGlue (at most one StartJobRun per invocation) →
 * `jobs`. Any adapters of the ports will do: in-memory, AWS, or fault-decorated (`withFaults`).
 *
 * @example
 * const { streamToGlue } = assembleGlueCopy({ jobs, rejects }, { jobArguments: { "--source": "api-pagos" } });
 * await streamToGlue(streamEvent, context); // { batchItemFailures: [] }
 */
export const assembleGlueCopy = (ports: GlueCopyPorts, options: GlueCopyOptions = {}) => ({
  streamToGlue: createStreamToGlueHandler({ ...options, jobs: ports.jobs, rejects: ports.rejects }),
});

/** The handler {@link assembleGlueCopy} wires. */
export type GlueCopyHandlers = ReturnType<typeof assembleGlueCopy>;
