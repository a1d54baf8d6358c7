/**
 * The exception names the one error mapper ({@link mapServiceError}) classifies, for every
 * service the adapters call (DynamoDB, SQS, Glue, S3) whether on AWS or in memory: the in-memory
 * services raise the same names.
 */

/**
 * Retryable: throttling, conflicts, timeouts and server errors.
 * @example RETRYABLE_ERROR_NAMES.has("ThrottlingException") // true
 */
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
  "ResourceNumberLimitExceededException",
  "SlowDown",
]);

/**
 * The table, queue, job or bucket does not exist.
 * @example MISSING_RESOURCE_NAMES.has("QueueDoesNotExist") // true
 */
export const MISSING_RESOURCE_NAMES: ReadonlySet<string> = new Set([
  "ResourceNotFoundException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "EntityNotFoundException",
  "NoSuchBucket",
]);

/**
 * The caller may not do this (credentials, signature, policy).
 * @example ACCESS_REFUSED_NAMES.has("AccessDeniedException") // true
 */
export const ACCESS_REFUSED_NAMES: ReadonlySet<string> = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
]);

/**
 * The service refuses the input the deployment gives it (Glue job arguments).
 * @example INPUT_REFUSED_NAMES.has("InvalidInputException") // true
 */
export const INPUT_REFUSED_NAMES: ReadonlySet<string> = new Set(["InvalidInputException"]);

/**
 * The record is at fault: the request built from it is malformed (DynamoDB's
 * `ValidationException`, SQS's batch and parameter errors; callers resend entry by entry to find
 * the culprit), or the object it names can never be read (S3: missing key or version, archived).
 * @example RECORD_FAULT_NAMES.has("ValidationException") // true
 */
export const RECORD_FAULT_NAMES: ReadonlySet<string> = new Set([
  "ValidationException",
  "EmptyBatchRequest",
  "TooManyEntriesInBatchRequest",
  "BatchEntryIdsNotDistinct",
  "InvalidBatchEntryId",
  "BatchRequestTooLong",
  "InvalidMessageContents",
  "InvalidParameterValue",
  "MissingParameter",
  "AWS.SimpleQueueService.EmptyBatchRequest",
  "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
  "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
  "AWS.SimpleQueueService.InvalidBatchEntryId",
  "AWS.SimpleQueueService.BatchRequestTooLong",
  "NoSuchKey",
  "NoSuchVersion",
  "InvalidObjectState",
  "InvalidArgument",
]);
