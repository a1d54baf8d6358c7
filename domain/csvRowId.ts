/**
 * Deterministic ids for the rows of a CSV object. They name rows in reports
 * (`s3://bucket/key?versionId=3#L12`) and, hashed at the edge, deduplicate messages in FIFO
 * queues. The same version (or, on unversioned buckets, the same content: the ETag) always gives
 * the same ids, so re-reading an object after a failure resends the same messages; a new version
 * gives new ids.
 */

/** The version of an object being read: its versionId, or its ETag when the bucket is unversioned. */
export interface CsvObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  /** Entity tag as S3 returns it (quotes are dropped in ids). */
  readonly etag: string;
}

/** `%`, `?` and `#` would make an id ambiguous; everything else stays readable (spaces, unicode). */
const escapeKey = (key: string): string =>
  key.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const unquote = (etag: string): string => etag.replace(/^(W\/)?"|"$/g, "");

/**
 * The id of an object version, without a line.
 * @example csvObjectId({ bucket: "in", key: "a b.csv", versionId: "3", etag: '"e"' }) // "s3://in/a b.csv?versionId=3"
 */
export const csvObjectId = (ref: CsvObjectRef): string => {
  const version =
    ref.versionId !== undefined && ref.versionId !== "null"
      ? `versionId=${encodeURIComponent(ref.versionId)}`
      : `etag=${encodeURIComponent(unquote(ref.etag))}`;
  return `s3://${ref.bucket}/${escapeKey(ref.key)}?${version}`;
};

/**
 * The id of the row that starts on `line` (1-based physical line; the header is line 1).
 * @example csvRowId({ bucket: "in", key: "k.csv", etag: '"abc"' }, 12) // "s3://in/k.csv?etag=abc#L12"
 */
export const csvRowId = (ref: CsvObjectRef, line: number): string => `${csvObjectId(ref)}#L${line}`;

/**
 * {@link csvRowId} for many rows of one object: the object's part is computed once.
 * @example const rowId = csvRowIds(ref); rowId(12) === csvRowId(ref, 12)
 */
export const csvRowIds = (ref: CsvObjectRef): ((line: number) => string) => {
  const objectId = csvObjectId(ref);
  return (line) => `${objectId}#L${line}`;
};

/**
 * The text a message's deduplication id is derived from: the ids of the first and last row it
 * carries. It may be longer than SQS's 128 characters and hold any character: the handler
 * hashes it (domain stays free of crypto).
 * @example deduplicationSource(ref, 12, 12) // "s3://in/k.csv?etag=abc#L12"
 */
export const deduplicationSource = (
  ref: CsvObjectRef,
  firstLine: number,
  lastLine: number,
): string =>
  firstLine === lastLine ? csvRowId(ref, firstLine) : `${csvRowId(ref, firstLine)}-L${lastLine}`;
