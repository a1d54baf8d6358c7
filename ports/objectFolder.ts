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
 * The small text objects under a prefix (reject documents): listed (ListObjectsV2), read whole
 * (GetObject), deleted (DeleteObject). A missing bucket or refused access is a `Configuration`
 * error; a missing key an `InvalidRecord` naming the object.
 *
 * @example
 * const page = await folder.list("ops", "rejects/")();
 * const text = await folder.read("ops", page.right.keys[0])();
 */
export interface ObjectFolder {
  readonly list: (
    bucket: string,
    prefix: string,
    after?: string,
  ) => TaskEither<PipelineError, ObjectPage>;
  readonly read: (bucket: string, key: string) => TaskEither<PipelineError, string>;
  readonly remove: (bucket: string, key: string) => TaskEither<PipelineError, void>;
}
