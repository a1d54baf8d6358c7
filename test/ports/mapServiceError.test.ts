import { ResourceNotFoundException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { InMemoryServiceError } from "../../adapters/localAws/services/serviceError.js";
import { mapServiceError } from "../../adapters/shared/mapServiceError.js";
import { asServiceFailure } from "../../adapters/shared/serviceFailure.js";

const sdkMissingTable = new ResourceNotFoundException({
  message: "Requested resource not found",
  $metadata: {},
});

describe("mapServiceError, the one mapping for SDK and in-memory failures", () => {
  it("maps an SDK exception and the in-memory error of the same name alike", () => {
    const memory = new InMemoryServiceError(
      "ResourceNotFoundException",
      "Requested resource not found",
    );
    const [fromSdk, fromMemory] = [sdkMissingTable, memory].map((failure) =>
      mapServiceError(failure, "table t"),
    );
    expect(fromSdk).toMatchObject({ _tag: "Configuration", resource: "table t" });
    expect({ ...fromMemory, cause: undefined }).toEqual({ ...fromSdk, cause: undefined });
  });

  it("reads the cancellation reasons in the SDK's shape from both", () => {
    const sdk = new TransactionCanceledException({
      message: "cancelled",
      $metadata: {},
      CancellationReasons: [
        { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
        { Code: "None" },
      ],
    });
    const memory = new InMemoryServiceError("TransactionCanceledException", "cancelled", [
      "ConditionalCheckFailed",
      "None",
    ]);
    expect(memory.CancellationReasons).toEqual(sdk.CancellationReasons);
  });

  it.each([
    ["ProvisionedThroughputExceededException", "Transient"],
    ["ConcurrentRunsExceededException", "Transient"],
    ["SlowDown", "Transient"],
    ["SomethingNobodyKnows", "Transient"],
    ["QueueDoesNotExist", "Configuration"],
    ["AccessDeniedException", "Configuration"],
    ["InvalidInputException", "Configuration"],
    ["ValidationException", "InvalidRecord"],
    ["AWS.SimpleQueueService.BatchRequestTooLong", "InvalidRecord"],
    ["NoSuchKey", "InvalidRecord"],
  ])("%s → %s", (name, tag) => {
    expect(
      mapServiceError(asServiceFailure(Object.assign(new Error("m"), { name })), "r")._tag,
    ).toBe(tag);
  });

  it("treats what the SDK marks retryable as Transient, whatever its name", () => {
    const failure = {
      name: "AccessDeniedException",
      message: "m",
      $retryable: { throttling: true },
    };
    expect(mapServiceError(failure, "r")._tag).toBe("Transient");
  });

  it("turns a rejection that is not an error into a failure that still maps", () => {
    expect(asServiceFailure("socket closed")).toMatchObject({
      name: "Error",
      message: "socket closed",
    });
    expect(mapServiceError(asServiceFailure(undefined), "r")._tag).toBe("Transient");
  });
});
