import type {
  DeleteObjectCommandInput,
  DeleteObjectOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2Output,
} from "@aws-sdk/client-s3";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { S3Calls } from "./s3Calls.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The S3 operations an object folder needs, SDK-shaped: ListObjectsV2, GetObject (as
 * {@link S3Calls}) and DeleteObject. Bound to S3 by adapters/aws and to the in-memory S3 by
 * adapters/memory.
 *
 * @example
 * const page = await calls.listObjectsV2({ Bucket: "ops", Prefix: "rejects/" })();
 */
export interface S3FolderCalls extends S3Calls {
  readonly listObjectsV2: (
    input: ListObjectsV2CommandInput,
  ) => TE.TaskEither<ServiceFailure, Pick<ListObjectsV2Output, "Contents" | "IsTruncated">>;
  readonly deleteObject: (
    input: DeleteObjectCommandInput,
  ) => TE.TaskEither<ServiceFailure, DeleteObjectOutput>;
}
