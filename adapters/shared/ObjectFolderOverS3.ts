import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { ObjectFolder, ObjectPage, ObjectText } from "../../ports/objectFolder.js";
import { mapServiceError } from "./mapServiceError.js";
import { ObjectStoreOverS3 } from "./ObjectStoreOverS3.js";
import type { S3FolderCalls } from "./s3FolderCalls.js";

/** Keys per ListObjectsV2 page. */
const PAGE_KEYS = 100;

const readAll = async (body: AsyncIterable<Uint8Array>): Promise<string> => {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
};

/**
 * {@link ObjectFolder} over {@link S3FolderCalls}, whichever S3 they reach: ListObjectsV2 pages of
 * 100 keys continued with `StartAfter` (keys deleted meanwhile cannot shift the listing), GetObject
 * through the object store's code (its error mapping; the text comes with the ETag and version
 * read), DeleteObject. Errors as
 * {@link ObjectStoreOverS3}: a missing bucket or refused access → `Configuration`; a missing key →
 * `InvalidRecord` naming the object; the rest → `Transient`.
 *
 * @example
 * const folder = new ObjectFolderOverS3(calls);
 * const page = await folder.list("ops", "rejects/")();
 */
export class ObjectFolderOverS3 implements ObjectFolder {
  private readonly store: ObjectStoreOverS3;

  constructor(private readonly calls: S3FolderCalls) {
    this.store = new ObjectStoreOverS3(calls);
  }

  readonly list = (
    bucket: string,
    prefix: string,
    after?: string,
  ): TE.TaskEither<PipelineError, ObjectPage> =>
    pipe(
      this.calls.listObjectsV2({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: PAGE_KEYS,
        ...(after === undefined ? {} : { StartAfter: after }),
      }),
      TE.bimap(
        (failure) => mapServiceError(failure, `bucket ${bucket}`),
        (output) => {
          const keys = (output.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
          const last = keys[keys.length - 1];
          return output.IsTruncated === true && last !== undefined
            ? { keys, after: last }
            : { keys };
        },
      ),
    );

  readonly read = (bucket: string, key: string): TE.TaskEither<PipelineError, ObjectText> =>
    pipe(
      this.store.open({ bucket, key }),
      TE.flatMap(({ body, etag, versionId }) =>
        TE.tryCatch(
          async () => ({
            text: await readAll(body),
            etag,
            ...(versionId === undefined ? {} : { versionId }),
          }),
          (error) => transient("GetObject", `s3://${bucket}/${key}: ${String(error)}`),
        ),
      ),
    );

  readonly remove = (bucket: string, key: string): TE.TaskEither<PipelineError, void> =>
    pipe(
      this.calls.deleteObject({ Bucket: bucket, Key: key }),
      TE.bimap(
        (failure) => mapServiceError(failure, `bucket ${bucket}`),
        () => undefined,
      ),
    );
}
