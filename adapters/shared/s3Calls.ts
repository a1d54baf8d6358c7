import type { GetObjectCommandInput } from "@aws-sdk/client-s3";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The fields of GetObject's response the object store reads (the SDK's output has them).
 * @example const output: GetObjectOutput = { Body: slices, ETag: '"9b2cf535f27731c974343645a3985328"' };
 */
export interface GetObjectOutput {
  /** In Node, the SDK's `Readable`; in memory, an async iterable of slices. */
  readonly Body?: unknown;
  readonly ETag?: string | undefined;
  readonly VersionId?: string | undefined;
}

/**
 * The S3 operation the shared object store needs, SDK-shaped (request, response, failure).
 * Bound to S3 by adapters/aws and to the in-memory S3 by adapters/memory.
 *
 * @example
 * const output = await calls.getObject({ Bucket: "uploads", Key: "orders.csv" })();
 */
export interface S3Calls {
  readonly getObject: (
    input: GetObjectCommandInput,
  ) => TE.TaskEither<ServiceFailure, GetObjectOutput>;
}

/**
 * The S3 operation a reject sink needs, SDK-shaped: PutObject of a text body.
 * Bound to S3 by adapters/aws and to the in-memory S3 by adapters/memory.
 *
 * @example
 * await calls.putObject({ Bucket: "rejects", Key: "queueToTable/….json", Body: "{…}" })();
 */
export interface S3PutCalls {
  readonly putObject: (input: PutObjectInput) => TE.TaskEither<ServiceFailure, PutObjectOutput>;
}

/**
 * The fields of PutObject's request the sink sends (the SDK's input has them).
 * @example const input: PutObjectInput = { Bucket: "rejects", Key: "a.json", Body: "{}", ContentType: "application/json" };
 */
export interface PutObjectInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly Body: string;
  readonly ContentType?: string;
}

/**
 * The fields of PutObject's response the sink reads.
 * @example const output: PutObjectOutput = { ETag: '"…"' };
 */
export interface PutObjectOutput {
  readonly ETag?: string | undefined;
}
