import {
  configurationError,
  invalidRecord,
  type PipelineError,
  transient,
} from "../../domain/errors.js";
import {
  ACCESS_REFUSED_NAMES,
  INPUT_REFUSED_NAMES,
  MISSING_RESOURCE_NAMES,
  RECORD_FAULT_NAMES,
  RETRYABLE_ERROR_NAMES,
} from "./serviceErrorNames.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * The one mapping from a service failure (an SDK exception, or an in-memory service's error of
 * the same shape) to the domain's tagged error, keeping the failure as `cause`: retryable names,
 * `$retryable` and server faults → `Transient`; a missing table/queue/job/bucket or refused
 * access or refused job input → `Configuration` naming `resource`; a malformed request
 * (`ValidationException`, SQS batch errors) or an unreadable object → `InvalidRecord` with the
 * record id left empty for the caller, which knows which record it sent. Anything else is `Transient`, so nothing is acknowledged by mistake.
 *
 * @example mapServiceError({ name: "ResourceNotFoundException", message: "no table" }, "table totals")
 * // { _tag: "Configuration", resource: "table totals", reason: "does not exist (…)", cause: … }
 */
export const mapServiceError = (failure: ServiceFailure, resource: string): PipelineError => {
  const { name, message } = failure;
  if (RETRYABLE_ERROR_NAMES.has(name) || failure.$retryable !== undefined)
    return transient(name, message, failure);
  if (MISSING_RESOURCE_NAMES.has(name))
    return configurationError(resource, `does not exist (${name}: ${message})`, failure);
  if (ACCESS_REFUSED_NAMES.has(name))
    return configurationError(resource, `access refused (${name}: ${message})`, failure);
  if (INPUT_REFUSED_NAMES.has(name))
    return configurationError(resource, `refused the input (${name}: ${message})`, failure);
  if (RECORD_FAULT_NAMES.has(name))
    return invalidRecord("", "$", name === "ValidationException" ? message : `${name}: ${message}`);
  return transient(name, message, failure);
};
