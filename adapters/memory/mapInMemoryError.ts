import {
  configurationError,
  invalidRecord,
  type PipelineError,
  transient,
} from "../../domain/errors.js";
import { InMemoryServiceError, RETRYABLE_ERROR_NAMES } from "../localAws/services/serviceError.js";

/**
 * Maps an in-memory service error to the domain's tagged error, as the AWS adapters map SDK
 * exceptions: retryable names → `Transient`, missing resources → `Configuration`, validation →
 * `InvalidRecord` (record id left empty for the caller to fill in). Anything else is `Transient`
 * so that nothing is acknowledged by mistake.
 *
 * @example mapInMemoryError(new InMemoryServiceError("ThrottlingException", "slow down"), "table t")
 */
export const mapInMemoryError = (error: unknown, resource: string): PipelineError => {
  if (error instanceof InMemoryServiceError) {
    if (RETRYABLE_ERROR_NAMES.has(error.name)) return transient(error.name, error.message, error);
    if (
      error.name === "ResourceNotFoundException" ||
      error.name === "QueueDoesNotExist" ||
      error.name === "EntityNotFoundException" ||
      error.name === "NoSuchBucket" ||
      error.name === "NoSuchKey"
    )
      return configurationError(resource, error.message, error);
    if (error.name === "ValidationException") return invalidRecord("", "$", error.message);
  }
  return transient("unexpected", error instanceof Error ? error.message : String(error), error);
};
