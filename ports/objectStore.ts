import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../domain/errors.js";

/** Where an object lives. `versionId` pins one version on versioned buckets. */
export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** An object being read: its bytes arrive as a stream, never as a whole file in memory. */
export interface ObjectStream {
  readonly body: AsyncIterable<Uint8Array>;
  /** Entity tag of the version read (identifies the content). */
  readonly etag: string;
  readonly versionId?: string;
}

/**
 * Reads objects as streams (S3 GetObject).
 *
 * @example
 * const object = await store.open({ bucket: "uploads", key: "orders.csv" })();
 */
export interface ObjectStore {
  readonly open: (location: ObjectLocation) => TaskEither<PipelineError, ObjectStream>;
}
