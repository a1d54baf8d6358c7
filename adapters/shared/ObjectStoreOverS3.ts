import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { ObjectLocation, ObjectStore, ObjectStream } from "../../ports/objectStore.js";
import { mapServiceError } from "./mapServiceError.js";
import type { S3Calls } from "./s3Calls.js";

const objectName = (location: ObjectLocation): string =>
  `s3://${location.bucket}/${location.key}${location.versionId === undefined ? "" : `?versionId=${location.versionId}`}`;

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";

/**
 * {@link ObjectStore} over {@link S3Calls}, whichever S3 they reach (GetObject). The body is
 * iterated chunk by chunk as it arrives, so the object is never held in memory whole. Errors: a
 * missing bucket or refused access → `Configuration` naming the bucket; a missing key or
 * version, or an archived object → `InvalidRecord` naming the object; throttling (`SlowDown`),
 * 5xx and anything unknown → `Transient`. An error while the body streams is thrown by the
 * iteration itself.
 *
 * @example
 * const store = new ObjectStoreOverS3(calls);
 * const object = await store.open({ bucket: "uploads", key: "orders.csv" })();
 */
export class ObjectStoreOverS3 implements ObjectStore {
  constructor(private readonly calls: S3Calls) {}

  readonly open = (location: ObjectLocation): TE.TaskEither<PipelineError, ObjectStream> =>
    pipe(
      this.calls.getObject({
        Bucket: location.bucket,
        Key: location.key,
        ...(location.versionId === undefined ? {} : { VersionId: location.versionId }),
      }),
      TE.mapLeft((failure): PipelineError => {
        const error = mapServiceError(failure, `bucket ${location.bucket}`);
        return error._tag === "InvalidRecord"
          ? { ...error, recordId: objectName(location) }
          : error;
      }),
      TE.flatMapEither((response) => {
        const body: unknown = response.Body;
        if (!isAsyncIterable(body))
          return E.left(transient("GetObject", `no streamable body for ${objectName(location)}`));
        return E.right({
          body,
          etag: response.ETag ?? "",
          ...(response.VersionId === undefined ? {} : { versionId: response.VersionId }),
        });
      }),
    );
}
