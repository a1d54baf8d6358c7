/**
 * SDK client settings for adapters that retry with the library's own policy (exponential backoff,
 * full jitter, bounded by the invocation's remaining time: adapters/shared/retry.ts). The SDK then makes
 * one attempt per call, so no retry happens outside that policy or past the deadline. Clients of
 * adapters that do not retry themselves (TransactWriteItems for totals, StartJobRun, GetObject)
 * keep the SDK's standard retries.
 *
 * @example const table = new DynamoDbTableWriter(new DynamoDBClient(retriedByTheLibrary), name);
 */
export const retriedByTheLibrary = { maxAttempts: 1 } as const;
