/**
 * The fields Lambda adds to a stream event when the event source mapping has a tumbling window
 * (`TumblingWindowInSeconds` > 0), as documented in "Using tumbling windows with DynamoDB
 * streams" (DynamodbTimeWindowEvent): the shard of the batch, the window, the state returned by
 * the previous invocation of the window, and whether this is its final invocation.
 * @example const fields: StreamWindowFields = { shardId: "shardId-0001", window: { start: "2026-11-30T00:00:00Z", end: "2026-11-30T00:15:00Z" }, state: {} };
 */
export interface StreamWindowFields {
  readonly shardId?: string;
  readonly eventSourceARN?: string;
  readonly window?: { readonly start: string; readonly end: string };
  readonly state?: Record<string, unknown>;
  readonly isFinalInvokeForWindow?: boolean;
  readonly isWindowTerminatedEarly?: boolean;
}
