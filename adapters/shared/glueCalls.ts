import type { StartJobRunCommandInput, StartJobRunResponse } from "@aws-sdk/client-glue";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The Glue operation the shared job runner needs, SDK-shaped (request, response, failure).
 * Bound to Glue by adapters/aws and to the in-memory job by adapters/memory.
 *
 * @example
 * const output = await calls.startJobRun({ JobName: "copy-job", Arguments: {} })();
 */
export interface GlueCalls {
  readonly startJobRun: (
    input: StartJobRunCommandInput,
  ) => TE.TaskEither<ServiceFailure, StartJobRunResponse>;
}
