import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import * as TE from "fp-ts/lib/TaskEither.js";

/**
 * A service call's failure, shaped like an AWS SDK v3 exception (the SDK's own exceptions are
 * one): the exception `name`, its `message`, and where the service gives them the per-action
 * reasons of a cancelled transaction and the SDK's retry hints. The AWS bindings pass the SDK's
 * exception through; the in-memory bindings raise errors of the same shape.
 *
 * @example
 * const failure: ServiceFailure = { name: "TransactionCanceledException", message: "…", CancellationReasons: [{ Code: "None" }] };
 */
export interface ServiceFailure {
  readonly name: string;
  readonly message: string;
  /** TransactWriteItems: one reason per action (`None`, `ConditionalCheckFailed`, …). */
  readonly CancellationReasons?: ReadonlyArray<{
    readonly Code?: string | undefined;
    readonly Message?: string | undefined;
    /** The item a refused condition found, when the action asked `ALL_OLD` (SDK shape). */
    readonly Item?: Record<string, SdkAttributeValue> | undefined;
  }>;
  /**
   * A refused conditional write (`ConditionalCheckFailedException`): the item as it was, when the
   * request asked `ReturnValuesOnConditionCheckFailure: ALL_OLD` (SDK shape).
   */
  readonly Item?: Record<string, SdkAttributeValue> | undefined;
  /** Set by the SDK on errors a retry may cure (`throttling: true` for throttling). */
  readonly $retryable?: { readonly throttling?: boolean | undefined } | undefined;
  /** `server` for 5xx, `client` for 4xx. */
  readonly $fault?: "client" | "server" | undefined;
}

const isServiceFailure = (error: unknown): error is ServiceFailure =>
  typeof error === "object" &&
  error !== null &&
  typeof (error as { name?: unknown }).name === "string" &&
  typeof (error as { message?: unknown }).message === "string";

/**
 * The {@link ServiceFailure} a rejected call stands for: the exception itself when it has a name
 * and a message (SDK exceptions, network errors, simulator errors), else an `Error` describing
 * the value.
 * @example asServiceFailure(new Error("socket hang up")).name // "Error"
 */
export const asServiceFailure = (error: unknown): ServiceFailure =>
  isServiceFailure(error) ? error : new Error(String(error));

/**
 * One service call as a TaskEither: the only place where the bindings turn an exception into a
 * value. Everything above it (the shared adapters) works with Either only.
 * @example const describeTable = (input) => callService(() => client.send(new DescribeTableCommand(input)));
 */
export const callService = <A>(call: () => Promise<A>): TE.TaskEither<ServiceFailure, A> =>
  TE.tryCatch(call, asServiceFailure);
