import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../domain/errors.js";

/**
 * Starts runs of one batch job (a Glue job). A refused start (concurrent runs exceeded,
 * throttling) is a `Transient` error: the caller must not acknowledge the changes it covers.
 *
 * @example
 * const { runId } = await pipe(runner.startRun({ "--source": "orders" }), TE.getOrElse(...))();
 */
export interface JobRunner {
  readonly startRun: (
    args: Readonly<Record<string, string>>,
  ) => TaskEither<PipelineError, { readonly runId: string }>;
}
