import { GlueClient } from "@aws-sdk/client-glue";
import middy from "@middy/core";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { GlueJobRunner } from "../adapters/aws/GlueJobRunner.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { describeError, type InvalidRecord } from "../domain/errors.js";
import { type ChangeRecord, decodeChangeRecord } from "../domain/streamRecord.js";
import type { JobRunner } from "../ports/jobRunner.js";
import type { RejectSink } from "../ports/rejectSink.js";
import { optionalJson, readEnv, requiredString } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { lazyHandler } from "./lambda/lazyHandler.js";
import { rejectionOf } from "./lambda/streamRejects.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", jobName: "copy-api-pagos", sourceStreamArn }).functionCode
 */
export { streamToGluePermissions as permissions } from "./lambda/permissions.js";

/** What the stream → Glue handler needs. */
export interface StreamToGlueDeps {
  readonly jobs: JobRunner;
  readonly rejects: RejectSink;
  /** Which changes call for a run (default: every INSERT, MODIFY and REMOVE that decodes). */
  readonly isRelevant?: (change: ChangeRecord) => boolean;
  /** The run's arguments (default: none). */
  readonly jobArguments?: Readonly<Record<string, string>>;
  /** Where progress and retry lines go (default: nothing). */
  readonly log?: (line: Record<string, unknown>) => void;
}

/**
 * DynamoDB stream → at most ONE Glue StartJobRun per invocation, and only when the batch holds a
 * relevant change (the seed started one run per INSERT/MODIFY and swallowed errors; a REMOVE
 * changes the table too). When the start fails, whatever the error (concurrent runs exceeded,
 * throttling, missing job), the batch is not acknowledged: the batch item failure is the
 * SequenceNumber of the first relevant record, so Lambda retries from there until a run starts.
 * Every change is thus followed by a run that started after it. Undecodable records go to
 * `rejects` and are skipped (those from the failed record on only when they are processed again,
 * so a retry does not repeat them). Configure `FunctionResponseTypes: ["ReportBatchItemFailures"]`.
 *
 * @example
 * const handler = createStreamToGlueHandler({ jobs: new InMemoryJobRunner(options), rejects });
 * const response = await handler(streamEvent, context); // { batchItemFailures: [] }
 */
export const createStreamToGlueHandler = (deps: StreamToGlueDeps) => {
  const isRelevant = deps.isRelevant ?? (() => true);
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records = await eventRecords(event, deps.rejects);
    const invalid: { readonly index: number; readonly error: InvalidRecord }[] = [];
    let firstRelevant: number | undefined;
    records.forEach((raw, index) => {
      const change = decodeChangeRecord(raw, index);
      if (E.isLeft(change)) invalid.push({ index, error: change.left });
      else if (firstRelevant === undefined && isRelevant(change.right)) firstRelevant = index;
    });

    let cut = records.length;
    if (firstRelevant !== undefined) {
      const run = await deps.jobs.startRun(deps.jobArguments ?? {})();
      if (E.isLeft(run)) {
        cut = firstRelevant;
        deps.log?.({
          pipeline: "streamToGlue",
          retrying: records[cut]?.dynamodb?.SequenceNumber,
          error: describeError(run.left),
        });
      } else deps.log?.({ pipeline: "streamToGlue", runId: run.right.runId });
    }

    const rejected = invalid
      .filter(({ index }) => index < cut)
      .map(({ index, error }) => rejectionOf(error, records[index]));
    if (rejected.length > 0) await deps.rejects.reject(rejected);
    const resumeAt = records[cut]?.dynamodb?.SequenceNumber;
    if (cut >= records.length) return { batchItemFailures: [] };
    // A relevant record decoded, so it has a SequenceNumber; "" would make Lambda retry it all.
    return { batchItemFailures: [{ itemIdentifier: resumeAt ?? "" }] };
  });
};

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === "string");

const fromEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const config = readEnv(env, {
    GLUE_JOB_NAME: requiredString,
    GLUE_JOB_ARGUMENTS: optionalJson((value) =>
      isStringRecord(value)
        ? { ok: true, value }
        : { ok: false, reason: 'must be a JSON object of strings ({"--name": "value"})' },
    ),
  });
  if (!config.ok) return config;
  const jobs = new GlueJobRunner(new GlueClient({}), config.value.GLUE_JOB_NAME);
  const handler = createStreamToGlueHandler({
    jobs,
    rejects: new LogRejectSink("streamToGlue"),
    ...(config.value.GLUE_JOB_ARGUMENTS ? { jobArguments: config.value.GLUE_JOB_ARGUMENTS } : {}),
    log: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
  return {
    ok: true as const,
    value: (event: DynamoDBStreamEvent, context: Context) => handler(event, context),
  };
};

/**
 * The Lambda entry point, for a stream of any view type (KEYS_ONLY is enough: a run needs only
 * eventName, Keys and SequenceNumber): `GLUE_JOB_NAME` names the job, optional `GLUE_JOB_ARGUMENTS` (a JSON
 * object of strings) gives the run's arguments; the Glue client comes from the default AWS
 * configuration chain. An invalid environment fails every invocation with one error naming every
 * problem.
 * @example // serverless.yml: handler: dist/handlers/streamToGlue.handler
 */
export const handler = lazyHandler(() => fromEnv(process.env));
