import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeMap } from "../../../domain/attributeValue.js";

const SERVER_FAULTS: ReadonlySet<string> = new Set([
  "InternalServerError",
  "InternalFailure",
  "InternalServiceException",
  "InternalError",
  "ServiceUnavailable",
]);

const THROTTLING: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "KMSThrottlingException",
  "SlowDown",
]);

/**
 * An error raised by an in-memory service, shaped like the AWS SDK v3 exception it stands for:
 * named like it (`ResourceNotFoundException`, `ValidationException`,
 * `TransactionCanceledException`, …), with `CancellationReasons` (`[{ Code, Message, Item }]`) on
 * a cancelled transaction, `$fault` (`server` for 5xx) and `$retryable` on throttling. So the
 * in-memory bindings hand the shared adapters the same failures the SDK does, and one error
 * mapper serves both.
 *
 * @example throw new InMemoryServiceError("ResourceNotFoundException", "table orders not found")
 */
export class InMemoryServiceError extends Error {
  /** Per-action reasons of a cancelled transaction, as the SDK gives them. */
  readonly CancellationReasons: ReadonlyArray<{
    readonly Code: string;
    readonly Message?: string;
    /** The item a refused condition found, when the action asked `ALL_OLD` (SDK shape). */
    readonly Item?: Record<string, SdkAttributeValue>;
  }>;
  readonly $fault: "client" | "server";
  readonly $retryable: { readonly throttling: boolean } | undefined;
  /** A refused conditional write's item, when `ReturnValuesOnConditionCheckFailure: ALL_OLD`. */
  Item?: Record<string, SdkAttributeValue>;

  constructor(
    override readonly name: string,
    message: string,
    /** Per-action reasons of a cancelled transaction (`"None"` or `"ConditionalCheckFailed"`). */
    readonly cancellationReasons: ReadonlyArray<string> = [],
    /**
     * Per action of a cancelled transaction, the item its refused condition found (domain shape;
     * the bindings return it in the SDK's shape when the action asked `ALL_OLD`).
     */
    readonly refusedItems: ReadonlyArray<AttributeMap | undefined> = [],
    /** `refusedItems` in the SDK's shape, as the reasons carry them. */
    sdkItems: ReadonlyArray<Record<string, SdkAttributeValue> | undefined> = [],
  ) {
    super(message);
    this.CancellationReasons = cancellationReasons.map((Code, i) => {
      const Item = sdkItems[i];
      return Code === "ConditionalCheckFailed"
        ? {
            Code,
            Message: "The conditional request failed",
            ...(Item === undefined ? {} : { Item }),
          }
        : { Code };
    });
    this.$fault = SERVER_FAULTS.has(name) ? "server" : "client";
    this.$retryable = THROTTLING.has(name) ? { throttling: true } : undefined;
  }
}
