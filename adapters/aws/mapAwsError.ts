import {
  configurationError,
  invalidRecord,
  type PipelineError,
  transient,
} from "../../domain/errors.js";

const MISSING_RESOURCE = new Set([
  "ResourceNotFoundException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "EntityNotFoundException",
  "NoSuchBucket",
]);

const NOT_ALLOWED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
]);

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
}

/**
 * Maps an AWS SDK v3 exception to the domain's tagged error, keeping it as `cause`: throttling,
 * conflicts and 5xx → `Transient`; a missing table/queue/job/bucket or denied access →
 * `Configuration` naming `resource`; `ValidationException` → `InvalidRecord` (record id left empty
 * for the caller, which knows which record it sent). Unknown errors are `Transient`, so nothing is
 * acknowledged by mistake.
 *
 * @example mapAwsError(error, "table totals")
 */
export const mapAwsError = (error: unknown, resource: string): PipelineError => {
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const name = e.name ?? "Error";
  const message = e.message ?? String(error);
  if (MISSING_RESOURCE.has(name))
    return configurationError(resource, `does not exist (${name}: ${message})`, error);
  if (NOT_ALLOWED.has(name))
    return configurationError(resource, `access refused (${name}: ${message})`, error);
  if (name === "ValidationException") return invalidRecord("", "$", message);
  // Throttling, conflicts, 5xx (RETRYABLE_ERROR_NAMES, $retryable) and anything unknown: retry.
  return transient(name, message, error);
};
