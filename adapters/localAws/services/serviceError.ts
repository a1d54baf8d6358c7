/**
 * An error raised by an in-memory service, named like the AWS exception it stands for
 * (`ResourceNotFoundException`, `ValidationException`, `TransactionCanceledException`, …), so
 * the in-memory adapters map errors the way the AWS adapters do.
 *
 * @example throw new InMemoryServiceError("ResourceNotFoundException", "table orders not found")
 */
export class InMemoryServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** Per-action reasons of a cancelled transaction (`"None"` or `"ConditionalCheckFailed"`). */
    readonly cancellationReasons: ReadonlyArray<string> = [],
  ) {
    super(message);
  }
}

/** The exception names treated as retryable by every adapter. */
export const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TransactionConflictException",
  "TransactionInProgressException",
  "InternalServerError",
  "InternalFailure",
  "InternalServiceException",
  "ServiceUnavailable",
  "ConcurrentRunsExceededException",
  "OperationTimeoutException",
  "TimeoutError",
  "KMSThrottlingException",
  "RequestThrottled",
]);
