import { ObjectFolderOverS3 } from "../shared/ObjectFolderOverS3.js";
import { callService } from "../shared/serviceFailure.js";
import type { InMemoryObjectStore } from "./InMemoryObjectStore.js";

/**
 * {@link ObjectFolderOverS3} on an {@link InMemoryObjectStore}: ListObjectsV2 over its sorted
 * keys (`StartAfter`, `MaxKeys`), GetObject, DeleteObject (deleting a missing key succeeds, as in
 * S3).
 * @example const folder = new InMemoryObjectFolder(s3);
 */
export class InMemoryObjectFolder extends ObjectFolderOverS3 {
  constructor(s3: InMemoryObjectStore) {
    super({
      getObject: (input) => callService(async () => s3.getObject(input)),
      listObjectsV2: (input) =>
        callService(async () => {
          const after = input.StartAfter ?? "";
          const keys = s3.keys(input.Bucket ?? "", input.Prefix ?? "").filter((k) => k > after);
          const max = input.MaxKeys ?? 1000;
          return {
            Contents: keys.slice(0, max).map((Key) => ({ Key })),
            IsTruncated: keys.length > max,
          };
        }),
      deleteObject: (input) =>
        callService(async () => {
          s3.delete(input.Bucket ?? "", input.Key ?? "");
          return {};
        }),
    });
  }
}
