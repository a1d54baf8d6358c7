import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, S3Event } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { createS3Client, S3ObjectStore } from "../adapters/aws/S3ObjectStore.js";
import { SqsMessageQueue } from "../adapters/aws/SqsMessageQueue.js";
import { type CsvSchema, decodeCsvSchema } from "../domain/csvSchema.js";
import { invalidRecord } from "../domain/errors.js";
import {
  type CsvLoaderDeps,
  loadCsvObject,
  rejectOrThrow,
} from "../ports/useCases/loadCsvObject.js";
import { type BatchMetrics, rejectedEvent } from "./lambda/batchMetrics.js";
import { retriedByTheLibrary } from "./lambda/clientConfig.js";
import { entryPoint } from "./lambda/entryPoint.js";
import { type EnvVar, optionalJson, readEnv } from "./lambda/env.js";
import { eventRecords } from "./lambda/eventRecords.js";
import { deadlineOf } from "./lambda/invocationDeadline.js";
import { pipelineFailures } from "./lambda/pipelineFailures.js";
import { sqsQueueUrl } from "./lambda/queueUrl.js";
import { rejectDestinationVar, rejectSinkFor } from "./lambda/rejectDestination.js";
import {
  decodeEventBridgeObjectCreated,
  isEventBridgeEvent,
  isS3TestEvent,
} from "./lambda/s3EventBridge.js";
import { decodeS3EventRecord } from "./lambda/s3EventRecord.js";

/**
 * The IAM statements this entry point needs, from its configuration (see handlers/lambda/permissions.ts).
 * @example permissions({ region: "us-east-1", account: "123456789012", bucket: "uploads", queueName: "rows" }).functionCode
 */
export { csvToQueuePermissions as permissions } from "./lambda/permissions.js";

/**
 * What the S3 → queue handler needs (see {@link loadCsvObject} for the per-object behaviour).
 * @example const deps: CsvToQueueDeps = { objects: new S3ObjectStore(s3), queue, rejects, rowsPerMessage: 25 };
 */
export type CsvToQueueDeps = Pick<
  CsvLoaderDeps,
  "objects" | "queue" | "rejects" | "schema" | "rowsPerMessage"
> & {
  /**
   * Where each invocation's counts go (handlers/lambda/batchMetrics.ts): rows sent, rows (or
   * objects, notices) rejected, and `retried` 1 when the invocation fails; none by default.
   */
  readonly metrics?: BatchMetrics;
};

/**
 * An object key as S3 event notifications carry it (URL-encoded, `+` for a space) in clear;
 * `undefined` when the encoding is broken.
 * @example decodeS3EventKey("reports/m%C3%A1s+datos.csv") // "reports/más datos.csv"
 */
export const decodeS3EventKey = (encoded: string): string | undefined => {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
};

/**
 * S3 `ObjectCreated` notifications → one queue message per CSV row (or per `rowsPerMessage`
 * rows), for `queueToTable` to write as items. Each object is streamed with backpressure (the
 * object is read no faster than messages are sent), its version pinned by the event's versionId
 * when the bucket is versioned. Other event types (removals, S3's `s3:TestEvent`) are ignored. S3
 * "Object Created" events delivered by EventBridge (key not URL-encoded there) load the same way;
 * any other EventBridge event, or an event with no `Records`, is rejected. Rows carry a `seq`
 * from the notification's sequencer, so with a sequence-guarded table an older version's rows
 * never overwrite a newer version's (ports/useCases/loadCsvObject.ts).
 *
 * Failure contract: invalid rows, unreadable objects and undecodable keys go to `rejects` and are
 * skipped. When the queue or bucket is missing, or sends keep failing after the queue adapter's
 * retries, the handler throws: S3 invokes Lambda asynchronously, and Lambda retries the event
 * (twice by default, then its on-failure destination / DLQ). A retry reads the whole object
 * again; because row ids depend only on the object version and the line, the resent rows carry
 * the same ids: the table ends up with the same items. On FIFO queues the retry's messages are
 * enqueued again, in order (deduplication ids are unique to a read; see loadCsvObject), so the
 * last row of a key still wins however late the retry comes.
 *
 * @example
 * const handler = createCsvToQueueHandler({ objects: s3, queue, rejects, schema });
 * await handler(s3Event, context);
 */
export const createCsvToQueueHandler = (deps: CsvToQueueDeps) => {
  const rowsPerMessage = deps.rowsPerMessage ?? 1;
  if (!Number.isInteger(rowsPerMessage) || rowsPerMessage < 1)
    throw new RangeError(`rowsPerMessage must be a positive integer, got ${rowsPerMessage}`);
  /** Loads the event's objects, adding what it sent and rejected to `tally`. */
  const load = async (event: S3Event, context: Context, tally: Tally): Promise<void> => {
    const deadline = deadlineOf(context);
    const loaded = async (notice: Parameters<typeof loadCsvObject>[0]) => {
      const stats = await loadCsvObject(notice, deps, deadline);
      tally.processed += stats.rows;
      tally.rejected += stats.rejected;
    };
    const rejected = async (records: Parameters<typeof rejectOrThrow>[1]) => {
      await rejectOrThrow(deps.rejects, records);
      tally.rejected += records.length;
    };
    const raw: unknown = event;
    if (isS3TestEvent(raw)) return;
    if (isEventBridgeEvent(raw)) {
      const notice = decodeEventBridgeObjectCreated(raw);
      if (E.isLeft(notice))
        await rejected([
          { error: notice.left, identity: { type: raw["detail-type"] }, original: raw },
        ]);
      else await loaded(notice.right);
      return;
    }
    const records = await eventRecords(event, deps.rejects);
    if (rejectedEvent(raw)) tally.rejected += 1;
    for (const [index, record] of records.entries()) {
      const created = decodeS3EventRecord(record, index);
      if (E.isLeft(created)) {
        await rejected([{ error: created.left, identity: { index }, original: record }]);
        continue;
      }
      if (created.right === undefined) continue;
      const { bucket, encodedKey, versionId, sequencer } = created.right;
      const key = decodeS3EventKey(encodedKey);
      if (key === undefined) {
        const id = `s3://${bucket}/${encodedKey}`;
        await rejected([
          {
            error: invalidRecord(id, "s3.object.key", "not a valid URL-encoded key"),
            identity: { bucket, encodedKey },
            original: record,
          },
        ]);
        continue;
      }
      const notice = {
        bucket,
        key,
        ...(versionId ? { versionId } : {}),
        ...(sequencer ? { sequencer } : {}),
      };
      await loaded(notice);
    }
  };
  return middy(async (event: S3Event, context: Context): Promise<void> => {
    const tally: Tally = { processed: 0, rejected: 0, skipped: 0, retried: 0 };
    try {
      await load(event, context, tally);
    } catch (error) {
      // S3 invokes asynchronously: Lambda retries the whole event.
      deps.metrics?.({ ...tally, retried: 1 });
      throw error;
    }
    deps.metrics?.(tally);
  }).use(pipelineFailures("csvToQueue"));
};

/** One invocation's counts, as they grow. */
interface Tally {
  processed: number;
  rejected: number;
  skipped: number;
  retried: number;
}

const schemaVar = optionalJson<CsvSchema>((value) =>
  pipe(
    decodeCsvSchema(value),
    E.mapLeft((problem) => `is not a valid CSV schema: ${problem}`),
  ),
);

/**
 * Rows per message of the entry point when `ROWS_PER_MESSAGE` is not set. 25 rows fill one
 * BatchWriteItem in queueToTable; per 1,000 rows it takes 4 SendMessageBatch requests instead of
 * 100, and 40 BatchWriteItem instead of 100 (bench/apiCost.ts, bench/RESULTS.md). A message
 * still closes before 256 KiB, so long rows share fewer.
 * @example createCsvToQueueHandler({ objects, queue, rejects, rowsPerMessage: DEFAULT_ROWS_PER_MESSAGE })
 */
export const DEFAULT_ROWS_PER_MESSAGE = 25;

const rowsPerMessageVar: EnvVar<number | undefined> = {
  required: false,
  parse: (text) => {
    const value = Number(text.trim());
    return /^\d+$/.test(text.trim()) && value >= 1 && Number.isSafeInteger(value)
      ? E.right(value)
      : E.left("must be a positive integer (rows packed in one message)");
  },
};

/**
 * The Lambda entry point: `QUEUE_URL` names the queue, optional `CSV_SCHEMA` (JSON, see
 * domain/csvSchema.ts) types the columns, optional `ROWS_PER_MESSAGE` packs rows per message
 * (default {@link DEFAULT_ROWS_PER_MESSAGE}); clients come from the default AWS configuration chain
 * (S3 path-style when an endpoint is configured). An invalid environment fails every invocation
 * with one error naming every problem.
 * @example // serverless.yml: handler: dist/handlers/csvToQueue.handler
 */
export const handler = entryPoint("csvToQueue", (env, metrics) =>
  pipe(
    readEnv(env, {
      QUEUE_URL: sqsQueueUrl(env),
      CSV_SCHEMA: schemaVar,
      REJECT_DESTINATION: rejectDestinationVar,
      ROWS_PER_MESSAGE: rowsPerMessageVar,
    }),
    E.map(({ QUEUE_URL, CSV_SCHEMA, ROWS_PER_MESSAGE, REJECT_DESTINATION }) =>
      createCsvToQueueHandler({
        objects: new S3ObjectStore(createS3Client(env)),
        queue: new SqsMessageQueue(new SQSClient(retriedByTheLibrary), QUEUE_URL),
        rejects: rejectSinkFor("csvToQueue", REJECT_DESTINATION, env),
        rowsPerMessage: ROWS_PER_MESSAGE ?? DEFAULT_ROWS_PER_MESSAGE,
        ...(CSV_SCHEMA === undefined ? {} : { schema: CSV_SCHEMA }),
        metrics,
      }),
    ),
  ),
);
