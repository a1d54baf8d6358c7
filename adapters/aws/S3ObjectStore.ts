import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import * as TE from "fp-ts/lib/TaskEither.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import type { ObjectLocation, ObjectStore, ObjectStream } from "../../ports/objectStore.js";
import { mapAwsError } from "./mapAwsError.js";

/** Errors that say this object (or version) can never be read, whatever the deployment. */
const UNREADABLE_OBJECT = new Set([
  "NoSuchKey",
  "NoSuchVersion",
  "InvalidObjectState",
  "InvalidArgument",
]);

const objectName = (location: ObjectLocation): string =>
  `s3://${location.bucket}/${location.key}${location.versionId === undefined ? "" : `?versionId=${location.versionId}`}`;

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";

/**
 * {@link ObjectStore} on S3 (GetObject). In Node the SDK returns the body as a `Readable`, which
 * is iterated chunk by chunk as it arrives from the network, so the object is never held in
 * memory whole. Errors: a missing bucket or refused access → `Configuration` naming the bucket;
 * a missing key or version, or an archived object → `InvalidRecord` naming the object;
 * throttling (`SlowDown`), 5xx and anything unknown → `Transient`. The SDK's own retry strategy
 * retries transient GetObject failures; an error while the body streams is thrown by the
 * iteration itself.
 *
 * @example
 * const store = new S3ObjectStore(createS3Client());
 * const object = await store.open({ bucket: "uploads", key: "orders.csv" })();
 */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client) {}

  readonly open = (location: ObjectLocation): TE.TaskEither<PipelineError, ObjectStream> =>
    TE.tryCatch(
      async () => {
        const response = await this.client.send(
          new GetObjectCommand({
            Bucket: location.bucket,
            Key: location.key,
            ...(location.versionId === undefined ? {} : { VersionId: location.versionId }),
          }),
        );
        const body: unknown = response.Body;
        if (!isAsyncIterable(body))
          throw transient("GetObject", `no streamable body for ${objectName(location)}`);
        return {
          body,
          etag: response.ETag ?? "",
          ...(response.VersionId === undefined ? {} : { versionId: response.VersionId }),
        };
      },
      (error): PipelineError => {
        if (typeof error === "object" && error !== null && "_tag" in error)
          return error as PipelineError;
        const name = (error as { name?: unknown } | null)?.name;
        if (typeof name === "string" && UNREADABLE_OBJECT.has(name))
          return invalidRecord(objectName(location), "$", `${name}: ${(error as Error).message}`);
        return mapAwsError(error, `bucket ${location.bucket}`);
      },
    );
}

/**
 * An S3 client from the SDK's default configuration chain (region, credentials, endpoint from
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`). When an endpoint is configured (a local emulator
 * such as LocalStack or MinIO), path-style addressing is forced: emulators do not resolve
 * `bucket.localhost` host names.
 *
 * @example const store = new S3ObjectStore(createS3Client());
 */
export const createS3Client = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): S3Client => {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  return new S3Client(endpoint ? { forcePathStyle: true } : {});
};
