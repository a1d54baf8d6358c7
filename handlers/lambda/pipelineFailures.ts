import type { MiddlewareObj } from "@middy/core";
import { describeError, type PipelineError } from "../../domain/errors.js";

const TAGS: ReadonlySet<unknown> = new Set(["InvalidRecord", "Transient", "Configuration"]);

const pipelineErrorOf = (error: unknown): PipelineError | undefined => {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  return typeof cause === "object" && cause !== null && TAGS.has((cause as { _tag?: unknown })._tag)
    ? (cause as PipelineError)
    : undefined;
};

const nextStep = (error: PipelineError): string => {
  switch (error._tag) {
    case "Configuration":
      return "the deployment is wrong: every invocation fails, and Lambda retries it, until it is fixed";
    case "Transient":
      return "retryable: Lambda retries the invocation";
    case "InvalidRecord":
      return "the event can never succeed as it is";
  }
};

/**
 * Middy `onError`: an invocation that fails with a pipeline error (an `Error` whose `cause` is
 * a tagged {@link PipelineError}: a missing table or queue, an invalid environment, sends that
 * kept failing) fails with ONE line naming the entry point, what is wrong and what happens next,
 * the tagged error kept as `cause`. Any other error (a bug) is left as it is.
 *
 * @example
 * middy(core).use(pipelineFailures("queueToTable"));
 * // Error: queueToTable: configuration error for table replica: does not exist (the deployment is wrong: …)
 */
export const pipelineFailures = (pipeline: string): MiddlewareObj => ({
  name: "pipelineFailures",
  onError: (request) => {
    const { error } = request;
    const cause = pipelineErrorOf(error);
    if (cause === undefined || error === null || error.message.startsWith(`${pipeline}: `)) return;
    const what = error.message === "" ? describeError(cause) : error.message;
    request.error = new Error(`${pipeline}: ${what} (${nextStep(cause)})`, { cause });
  },
});
