/**
 * Where a replicated change comes from. Lambda gives every DynamoDB stream record its stream's
 * ARN, `arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>`, whose label is
 * the time the stream was created (ISO 8601 in UTC with milliseconds and no zone,
 * `2026-11-30T00:00:00.000`). Sequence numbers only order the changes of ONE stream: a table
 * deleted and created again under its name (or whose stream is disabled and enabled again) gets a
 * new stream with a later label, and its sequence numbers may be lower than the old stream's. So
 * a change's version is its source table, its stream label, then its sequence number; changes of
 * two different source tables have no order at all.
 */

/**
 * The source table and stream of a change.
 * @example const origin: StreamOrigin = { table: "arn:aws:dynamodb:eu-west-1:123456789012:table/users", label: "2026-11-30T00:00:00.000" };
 */
export interface StreamOrigin {
  /** The source table's ARN, `arn:…:dynamodb:<region>:<account>:table/<name>`. */
  readonly table: string;
  /** The stream's label: its creation time, fixed width, so string order is time order. */
  readonly label: string;
}

const STREAM_ARN =
  /^(arn:[a-z-]+:dynamodb:[a-z0-9-]*:[0-9A-Za-z]*:table\/[A-Za-z0-9_.-]{3,255})\/stream\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})$/;

/**
 * The source table and label of a DynamoDB stream ARN, or `undefined` when `arn` is not one
 * (another service's ARN, a label that is not a timestamp).
 * @example streamOriginOf("arn:aws:dynamodb:eu-west-1:123456789012:table/users/stream/2026-11-30T00:00:00.000")
 * // { table: "arn:aws:dynamodb:eu-west-1:123456789012:table/users", label: "2026-11-30T00:00:00.000" }
 */
export const streamOriginOf = (arn: string): StreamOrigin | undefined => {
  const match = STREAM_ARN.exec(arn);
  return match === null ? undefined : { table: match[1] as string, label: match[2] as string };
};

/**
 * Whether `arn` is a DynamoDB stream ARN a command can carry as its `stream`.
 * @example isStreamArn("arn:aws:sqs:us-east-1:1:q") // false
 */
export const isStreamArn = (arn: string): boolean => streamOriginOf(arn) !== undefined;

/**
 * The reason a change is refused when the same replica item also gets changes of another source
 * table (`other`: the table its version item, or the batch's newer change of it, names).
 * @example secondSourceReason("arn:…:table/users-eu", "arn:…:table/users-us")
 */
export const secondSourceReason = (other: string, incoming: string): string =>
  `two source tables feed one replica: this change comes from ${incoming}, but the item is replicated from ${other}. Changes of two tables have no order: point each replica at one source table (to re-point one on purpose, drain its queue and dead-letter queue, empty its version table, then redrive these rejects)`;
