import type { InMemorySqs } from "../localAws/services/InMemorySqs.js";
import { RejectSinkOverS3 } from "../shared/RejectSinkOverS3.js";
import { RejectSinkOverSqs } from "../shared/RejectSinkOverSqs.js";
import { noWaitRetryEnv, type RetryEnv } from "../shared/retry.js";
import type { InMemoryObjectStore } from "./InMemoryObjectStore.js";
import { inMemorySqsCalls } from "./inMemorySqsCalls.js";

/**
 * {@link RejectSinkOverSqs} on an in-memory SQS queue (by name or URL): the SQS reject sink's
 * code, offline.
 * @example const rejects = inMemorySqsRejectSink(sqs, "rejects", "queueToTable");
 */
export const inMemorySqsRejectSink = (
  sqs: InMemorySqs,
  queue: string,
  entryPoint: string,
  retry: RetryEnv = noWaitRetryEnv,
): RejectSinkOverSqs => new RejectSinkOverSqs(inMemorySqsCalls(sqs), queue, entryPoint, retry);

/**
 * {@link RejectSinkOverS3} on an in-memory bucket and prefix: the S3 reject sink's code, offline.
 * @example const rejects = inMemoryS3RejectSink(objects, { bucket: "ops", prefix: "rejects/" }, "csvToQueue");
 */
export const inMemoryS3RejectSink = (
  objects: InMemoryObjectStore,
  at: { readonly bucket: string; readonly prefix: string },
  entryPoint: string,
  retry: RetryEnv = noWaitRetryEnv,
): RejectSinkOverS3 => new RejectSinkOverS3(objects.putCalls, at, entryPoint, retry);
