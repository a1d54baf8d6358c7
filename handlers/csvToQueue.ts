import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context, S3Event } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { LogRejectSink } from "../adapters/aws/LogRejectSink.js";
import { createS3Client, S3ObjectStore } from "../adapters/aws/S3ObjectStore.js";
import { SqsMessageQueue } from "../adapters/aws/SqsMessageQueue.js";
import { type CsvSchema, decodeCsvSchema } from "../domain/csvSchema.js";
import { invalidRecord } from "../domain/errors.js";
import { type CsvLoaderDeps, loadCsvObject } from "./csvObjectLoader.js";
import { deadlineOf } from "./deadline.js";
import { optionalJson, readEnv, requiredString } from "./env.js";
import { lazyHandler } from "./lazyHandler.js";

/** What the S3 → queue handler needs (see {@link loadCsvObject} for the per-object behaviour). */
export type CsvToQueueDeps = Pick<
  CsvLoaderDeps,
  "objects" | "queue" | "rejects" | "schema" | "rowsPerMessage"
>;

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
 * when the bucket is versioned. Other event types (removals, S3's test event) are ignored.
 *
 * Failure contract: invalid rows, unreadable objects and undecodable keys go to `rejects` and are
 * skipped. When the queue or bucket is missing, or sends keep failing after the queue adapter's
 * retries, the handler throws: S3 invokes Lambda asynchronously, and Lambda retries the event
 * (twice by default, then its on-failure destination / DLQ). A retry reads the whole object
 * again; because row ids depend only on the object version and the line, the resent rows carry
 * the same ids: the table ends up with the same items, and FIFO queues drop the duplicates
 * within their 5-minute deduplication window.
 *
 * @example
 * const handler = createCsvToQueueHandler({ objects: s3, queue, rejects, schema });
 * await handler(s3Event, context);
 */
export const createCsvToQueueHandler = (deps: CsvToQueueDeps) => {
  const rowsPerMessage = deps.rowsPerMessage ?? 1;
  if (!Number.isInteger(rowsPerMessage) || rowsPerMessage < 1)
    throw new RangeError(`rowsPerMessage must be a positive integer, got ${rowsPerMessage}`);
  return middy(async (event: S3Event, context: Context): Promise<void> => {
    const deadline = deadlineOf(context);
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith("ObjectCreated:")) continue;
      const bucket = record.s3.bucket.name;
      const key = decodeS3EventKey(record.s3.object.key);
      if (key === undefined) {
        const id = `s3://${bucket}/${record.s3.object.key}`;
        await deps.rejects.reject([
          {
            error: invalidRecord(id, "s3.object.key", "not a valid URL-encoded key"),
            identity: { bucket, encodedKey: record.s3.object.key },
          },
        ]);
        continue;
      }
      const versionId = record.s3.object.versionId;
      await loadCsvObject({ bucket, key, ...(versionId ? { versionId } : {}) }, deps, deadline);
    }
  });
};

const schemaVar = optionalJson<CsvSchema>((value) => {
  const decoded = decodeCsvSchema(value);
  return E.isRight(decoded)
    ? { ok: true, value: decoded.right }
    : { ok: false, reason: `is not a valid CSV schema: ${decoded.left}` };
});

const fromEnv = (env: Readonly<Record<string, string | undefined>>) => {
  const config = readEnv(env, { QUEUE_URL: requiredString, CSV_SCHEMA: schemaVar });
  if (!config.ok) return config;
  const { QUEUE_URL, CSV_SCHEMA } = config.value;
  const handler = createCsvToQueueHandler({
    objects: new S3ObjectStore(createS3Client(env)),
    queue: new SqsMessageQueue(new SQSClient({}), QUEUE_URL),
    rejects: new LogRejectSink("csvToQueue"),
    ...(CSV_SCHEMA === undefined ? {} : { schema: CSV_SCHEMA }),
  });
  return {
    ok: true as const,
    value: (event: S3Event, context: Context) => handler(event, context),
  };
};

/**
 * The Lambda entry point: `QUEUE_URL` names the queue, optional `CSV_SCHEMA` (JSON, see
 * domain/csvSchema.ts) types the columns; clients come from the default AWS configuration chain
 * (S3 path-style when an endpoint is configured). An invalid environment fails every invocation
 * with one error naming every problem.
 * @example // serverless.yml: handler: dist/handlers/csvToQueue.handler
 */
export const handler = lazyHandler(() => fromEnv(process.env));
