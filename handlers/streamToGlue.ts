import { GlueClient } from "@aws-sdk/client-glue";
import middy from "@middy/core";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { GlueJobRunner } from "../adapters/aws/GlueJobRunner.js";
import { describeError } from "../domain/errors.js";
import { type ChangeRecord, decodeChangeRecord } from "../domain/streamRecord.js";
import type { JobRunner } from "../ports/jobRunner.js";
import type { RejectSink } from "../ports/rejectSink.js";
import { startJobRun } from "../ports/useCases/startJobRun.js";
import {
  type BatchMetrics,
  eventSize,
  rejectedEvent,
  retriedOnError,
} from "./lambda/batchMetrics.js";
import { firstFailure } from "./lambda/batchResponse.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { optionalJson, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import { settleStreamBatch } from "./lambda/settleStreamBatch.js";
import { rejectionOf } from "./lambda/streamRejects.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", jobName: "copy-api-pagos", sourceStreamArn }).functionCode
 */
export { streamToGluePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the stream → Glue handler needs.
 * @example const deps: StreamToGlueDeps = { jobs: new GlueJobRunner(glue, "copy"), rejects: new LogRejectSink("glue") };
 */
export interface StreamToGlueDeps {
  readonly jobs: JobRunner;
  readonly rejects: RejectSink;
  /** Which changes call for a run (default: every INSERT, MODIFY and REMOVE that decodes). */
  readonly isRelevant?: (change: ChangeRecord) => boolean;
  /** The run's arguments (default: none). */
  readonly jobArguments?: Readonly<Record<string, string>>;
  /** Where progress and retry lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
  /** Where each invocation's counts go (handlers/lambda/batchMetrics.ts); none by default. */
  readonly metrics?: BatchMetrics;
}

/**
 * DynamoDB stream → at most ONE Glue StartJobRun per invocation ({@link startJobRun}), and only
 * when the batch holds a relevant change (the seed started one run per INSERT/MODIFY and
 * swallowed errors; a REMOVE changes the table too). When the start fails, whatever the error,
 * the batch item failure is the SequenceNumber of the first relevant record, so Lambda retries
 * from there until a run starts: every change is thus followed by a run that started after it.
 * Undecodable records go to `rejects` and are skipped (those from the failed record on only when
 * they are processed again, so a retry does not repeat them). Configure
 * `FunctionResponseTypes: ["ReportBatchItemFailures"]`.
 *
 * @example
 * const handler = createStreamToGlueHandler({ jobs: new InMemoryJobRunner(options), rejects });
 * const response = await handler(streamEvent, context); // { batchItemFailures: [] }
 */
export const createStreamToGlueHandler = (deps: StreamToGlueDeps) => {
  const start = startJobRun(deps.jobs, {
    ...(deps.isRelevant ? { isRelevant: deps.isRelevant } : {}),
    ...(deps.jobArguments ? { jobArguments: deps.jobArguments } : {}),
  });
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const report = await start(records.map(decodeChangeRecord))();
    const first = firstFailure(report.failed);
    const { reported, counts } = await settleStreamBatch(
      deps.rejects,
      records,
      (index) => records[index]?.dynamodb?.SequenceNumber,
      first?.index,
      report.rejected,
      rejectionOf,
    );
    if (first !== undefined)
      deps.log?.({
        pipeline: "streamToGlue",
        retrying: records[first.index]?.dynamodb?.SequenceNumber,
        error: describeError(first.error),
      });
    else if (report.runId !== undefined)
      deps.log?.({ pipeline: "streamToGlue", runId: report.runId });
    deps.metrics?.(counts(0, rejectedEvent(event)));
    return reported;
  })
    .use(retriedOnError(deps.metrics, eventSize))
    .use(pipelineFailures("streamToGlue"));
};

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === "string");

/**
 * The Lambda entry point, for a stream of any view type (KEYS_ONLY is enough: a run needs only
 * eventName, Keys and SequenceNumber): `GLUE_JOB_NAME` names the job, optional `GLUE_JOB_ARGUMENTS` (a JSON
 * object of strings) gives the run's arguments; the Glue client comes from the default AWS
 * configuration chain. An invalid environment fails every invocation with one error naming every
 * problem.
 * @example // serverless.yml: handler: dist/handlers/streamToGlue.handler
 */
export const handler = entryPoint("streamToGlue", (env, metrics) =>
  pipe(
    readEnv(env, {
      GLUE_JOB_NAME: requiredString,
      REJECT_DESTINATION: rejectDestinationVar,
      GLUE_JOB_ARGUMENTS: optionalJson<Record<string, string>>((value) =>
        isStringRecord(value)
          ? E.right(value)
          : E.left('must be a JSON object of strings ({"--name": "value"})'),
      ),
    }),
    E.map(({ GLUE_JOB_NAME, GLUE_JOB_ARGUMENTS, REJECT_DESTINATION }) =>
      createStreamToGlueHandler({
        jobs: new GlueJobRunner(new GlueClient({}), GLUE_JOB_NAME),
        rejects: rejectSinkFor("streamToGlue", REJECT_DESTINATION, env, { warnWhenLogged: true }),
        ...(GLUE_JOB_ARGUMENTS ? { jobArguments: GLUE_JOB_ARGUMENTS } : {}),
        log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
        metrics,
      }),
    ),
  ),
);
