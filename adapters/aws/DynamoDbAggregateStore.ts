import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import { type MarkerLayout, markerItem } from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { PipelineError } from "../../domain/errors.js";
import type { AggregateStore, ApplyOutcome } from "../../ports/aggregateStore.js";
import { mapAwsError } from "./mapAwsError.js";
import { toSdkItem } from "./sdkAttributes.js";

/**
 * {@link AggregateStore} on a DynamoDB totals table with TransactWriteItems: `ADD` per total and a
 * conditional `Put` (attribute_not_exists) per marker, all or nothing. A cancellation whose
 * reasons include ConditionalCheckFailed on markers becomes `AlreadyApplied` with those markers.
 *
 * @example
 * const store = new DynamoDbAggregateStore(new DynamoDBClient({}), "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec));
 */
export class DynamoDbAggregateStore implements AggregateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly spec: AggregateSpec,
    private readonly layout: MarkerLayout,
    private readonly clock: () => number = Date.now,
  ) {}

  readonly apply = (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    TE.tryCatch(
      async () => {
        try {
          await this.client.send(
            new TransactWriteItemsCommand({ TransactItems: this.actions(chunk) }),
          );
          return { _tag: "Applied" } as const;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const offset = chunk.updates.length;
          const reasons = error.CancellationReasons ?? [];
          const markers = chunk.markers.filter(
            (_, i) => reasons[offset + i]?.Code === "ConditionalCheckFailed",
          );
          if (markers.length === 0) throw error;
          return { _tag: "AlreadyApplied", markers } as const;
        }
      },
      (error) => mapAwsError(error, `table ${this.table}`),
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
