import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { PipelineError } from "../domain/errors.js";

/**
 * One page of an object listing: keys in UTF-8 binary order, and the key to list after when
 * there are more.
 * @example const page: ObjectPage = { keys: ["rejects/a.json"], after: "rejects/a.json" };
 */
export interface ObjectPage {
  readonly keys: ReadonlyArray<string>;
  /** Present when more keys follow: pass it as `after` to list the next page. */
  readonly after?: string;
}

/**
 * An object read whole as text, with what identifies the content read: the entity tag, and the
 * version on a versioned bucket.
 * @example const read: ObjectText = { text: "{…}", etag: '"9b2cf535f27731c974343645a3985328"' };
 */
export interface ObjectText {
  readonly text: string;
  readonly etag: string;
  readonly versionId?: string;
}

/**
 * The small text objects under a prefix (reject documents): listed (ListObjectsV2), read whole
 * (GetObject), deleted (DeleteObject). A missing bucket or refused access is a `Configuration`
 * error; a missing key an `InvalidRecord` naming the object.
 *
 * @example
 * const page = await folder.list("ops", "rejects/")();
 * const read = await folder.read("ops", page.right.keys[0])(); // right({ text, etag })
 */
export interface ObjectFolder {
  readonly list: (
    bucket: string,
    prefix: string,
    after?: string,
  ) => TaskEither<PipelineError, ObjectPage>;
  readonly read: (bucket: string, key: string) => TaskEither<PipelineError, ObjectText>;
  readonly remove: (bucket: string, key: string) => TaskEither<PipelineError, void>;
}
