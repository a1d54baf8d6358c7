/**
 * Tagged domain errors. Every failure the library can report is one of these; handlers unwrap them
 * at the edge (partial batch responses, dead-letter reports, logs).
 *
 * - `InvalidRecord`: the input can never succeed (bad data). It names the record and the field.
 * - `Transient`: a retry may succeed (throttling, unprocessed items, conflicts, timeouts).
 * - `Configuration`: the deployment is wrong (missing table/queue/job, bad environment).
 */
export type PipelineError = InvalidRecord | TransientFailure | ConfigurationError;

/** A record that can never be processed as it is; retrying it would block its shard forever. */
export interface InvalidRecord {
  readonly _tag: "InvalidRecord";
  /** Stream eventID, SQS messageId, Kinesis eventID or `s3://bucket/key#line`. */
  readonly recordId: string;
  /** Attribute, column or JSON path that is wrong; `"$"` for the record as a whole. */
  readonly field: string;
  readonly reason: string;
}

/** A failure that may go away when the same work is retried later. */
export interface TransientFailure {
  readonly _tag: "Transient";
  readonly operation: string;
  readonly reason: string;
  readonly cause?: unknown;
}

/** The deployment is wrong: a resource does not exist or the environment is invalid. */
export interface ConfigurationError {
  readonly _tag: "Configuration";
  /** Table, queue, job, bucket or environment variable concerned. */
  readonly resource: string;
  readonly reason: string;
  readonly cause?: unknown;
}

/**
 * Builds an {@link InvalidRecord}.
 * @example invalidRecord("evt-1", "quantity", "expected a number (N), got S")
 */
export const invalidRecord = (recordId: string, field: string, reason: string): InvalidRecord => ({
  _tag: "InvalidRecord",
  recordId,
  field,
  reason,
});

/**
 * Builds a {@link TransientFailure}.
 * @example transient("BatchWriteItem", "3 items left unprocessed")
 */
export const transient = (operation: string, reason: string, cause?: unknown): TransientFailure =>
  cause === undefined
    ? { _tag: "Transient", operation, reason }
    : { _tag: "Transient", operation, reason, cause };

/**
 * Builds a {@link ConfigurationError}.
 * @example configurationError("table orders", "does not exist")
 */
export const configurationError = (
  resource: string,
  reason: string,
  cause?: unknown,
): ConfigurationError =>
  cause === undefined
    ? { _tag: "Configuration", resource, reason }
    : { _tag: "Configuration", resource, reason, cause };

/**
 * One line, human readable, that names what failed and why.
 * @example describeError(invalidRecord("e1", "quantity", "not a number")) // "record e1, field quantity: not a number"
 */
export const describeError = (error: PipelineError): string => {
  switch (error._tag) {
    case "InvalidRecord":
      return `record ${error.recordId}, field ${error.field}: ${error.reason}`;
    case "Transient":
      return `${error.operation} failed (retryable): ${error.reason}`;
    case "Configuration":
      return `configuration error for ${error.resource}: ${error.reason}`;
  }
};

/**
 * Turns a domain error into an `Error` to throw at the edge, keeping the tagged error as `cause`.
 * @example throw toThrowable(configurationError("env", "QUEUE_URL is missing"))
 */
export const toThrowable = (error: PipelineError): Error =>
  new Error(describeError(error), { cause: error });
