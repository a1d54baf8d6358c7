import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import { type MarkerLayout, markerItem } from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { PipelineError } from "../../domain/errors.js";
import type { AggregateStore, ApplyOutcome } from "../../ports/aggregateStore.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { toSdkItem } from "./sdkAttributes.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * {@link AggregateStore} over {@link DynamoDbCalls}, whichever DynamoDB they reach: one
 * TransactWriteItems per chunk, `ADD` per total and a conditional `Put` (attribute_not_exists)
 * per marker, all or nothing. A cancellation whose reasons include ConditionalCheckFailed on
 * markers becomes `AlreadyApplied` with those markers.
 *
 * @example
 * const store = new AggregateStoreOverDynamoDb(calls, "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec), Date.now);
 */
export class AggregateStoreOverDynamoDb implements AggregateStore {
  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly table: string,
    private readonly spec: AggregateSpec,
    private readonly layout: MarkerLayout,
    private readonly clock: () => number,
  ) {}

  readonly apply = (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    pipe(
      this.calls.transactWriteItems({ TransactItems: this.actions(chunk) }),
      TE.map((): ApplyOutcome => ({ _tag: "Applied" })),
      TE.orElse((failure) => {
        const markers = appliedMarkers(chunk, failure);
        return markers.length > 0
          ? TE.right<PipelineError, ApplyOutcome>({ _tag: "AlreadyApplied", markers })
          : TE.left(mapServiceError(failure, `table ${this.table}`));
      }),
    );

  private actions(chunk: AggregateChunk): TransactWriteItem[] {
    const now = this.clock();
    return [
      ...chunk.updates.map(
        (update): TransactWriteItem => ({
          Update: {
            TableName: this.table,
            Key: toSdkItem(update.key),
            UpdateExpression: "ADD #total :delta",
            ExpressionAttributeNames: { "#total": this.spec.sum.target },
            ExpressionAttributeValues: { ":delta": { N: update.amount } },
          },
        }),
      ),
      ...chunk.markers.map(
        (eventId): TransactWriteItem => ({
          Put: {
            TableName: this.table,
            Item: toSdkItem(markerItem(this.layout, eventId, now)),
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": this.layout.partitionKey },
          },
        }),
      ),
    ];
  }
}

/** The chunk's markers a cancelled transaction found already written (none for other failures). */
const appliedMarkers = (
  chunk: AggregateChunk,
  failure: ServiceFailure,
): AggregateChunk["markers"] => {
  if (failure.name !== "TransactionCanceledException") return [];
  const reasons = failure.CancellationReasons ?? [];
  const offset = chunk.updates.length;
  return chunk.markers.filter((_, i) => reasons[offset + i]?.Code === "ConditionalCheckFailed");
};
