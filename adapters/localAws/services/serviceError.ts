import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeMap } from "../../../domain/attributeValue.js";
import { toSdkItem } from "../../shared/sdkAttributes.js";

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
 * One action's reason in a cancelled transaction: `"None"`, `"ConditionalCheckFailed"`, or a
 * failed condition with the item as it was (the action asked
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD`).
 * @example const reason: CancellationReason = { Code: "ConditionalCheckFailed", Item: { pk: { S: "a" } } };
 */
export type CancellationReason =
  | "None"
  | "ConditionalCheckFailed"
  | { readonly Code: "ConditionalCheckFailed"; readonly Item: AttributeMap };

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
    readonly Item?: Record<string, SdkAttributeValue>;
  }>;
  readonly $fault: "client" | "server";
  readonly $retryable: { readonly throttling: boolean } | undefined;
  /** A refused conditional write's item, when `ReturnValuesOnConditionCheckFailure: ALL_OLD`. */
  Item?: Record<string, SdkAttributeValue>;

  constructor(
    override readonly name: string,
    message: string,
    /** Per-action reasons of a cancelled transaction. */
    readonly cancellationReasons: ReadonlyArray<CancellationReason> = [],
  ) {
    super(message);
    this.CancellationReasons = cancellationReasons.map((reason) => {
      if (reason === "None") return { Code: reason };
      const failed = { Code: "ConditionalCheckFailed", Message: "The conditional request failed" };
      return reason === "ConditionalCheckFailed"
        ? failed
        : { ...failed, Item: toSdkItem(reason.Item) };
    });
    this.$fault = SERVER_FAULTS.has(name) ? "server" : "client";
    this.$retryable = THROTTLING.has(name) ? { throttling: true } : undefined;
  }
}
