import {
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import {
  fitMarkerLayout,
  type KeyAttribute,
  type MarkerLayout,
  markerItem,
  markerKey,
} from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import type { AggregateStore, ApplyOutcome } from "../../ports/aggregateStore.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "../shared/retry.js";
import { mapAwsError } from "./mapAwsError.js";
import { toSdkItem } from "./sdkAttributes.js";

/** A transaction cancelled only by conflicts with concurrent writes: worth another attempt. */
const CONFLICT = Symbol("conflict");

/**
 * {@link AggregateStore} on a DynamoDB totals table with TransactWriteItems: `ADD` per total and a
 * conditional `Put` (attribute_not_exists) per marker, all or nothing. The table's key schema is
 * read once (DescribeTable) and the marker fitted to it (a numeric sort key gets `0`; a partition
 * key that is not a string is a configuration error). A cancellation is read whatever the order
 * of its reasons: ConditionalCheckFailed on markers → `AlreadyApplied` with those markers;
 * ValidationError (a total out of range, a key of the wrong type) → `InvalidRecord`, after
 * checking (GetItem) that a lone record's marker does not exist, so a record applied before is
 * never reported as rejected; TransactionConflict only → retried here with the shared policy.
 *
 * @example
 * const store = new DynamoDbAggregateStore(new DynamoDBClient({}), "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec));
 */
export class DynamoDbAggregateStore implements AggregateStore {
  private fitted: MarkerLayout | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly spec: AggregateSpec,
    private readonly layout: MarkerLayout,
    private readonly clock: () => number = Date.now,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {}

  readonly apply = (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    TE.chain((layout: MarkerLayout) => this.applyWith(layout, chunk))(this.markerLayout());

  private readonly markerLayout = (): TE.TaskEither<PipelineError, MarkerLayout> => async () => {
    if (this.fitted !== undefined) return E.right(this.fitted);
    try {
      const { Table } = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      const typeOf = (name: string) =>
        Table?.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType;
      const keys = ["HASH", "RANGE"].flatMap((kind): KeyAttribute[] => {
        const name = Table?.KeySchema?.find((k) => k.KeyType === kind)?.AttributeName;
        const type = name === undefined ? undefined : typeOf(name);
        return name === undefined || type === undefined ? [] : [{ name, type }];
      });
      const fit = fitMarkerLayout(this.layout, this.table, keys);
      if (!fit.ok) return E.left(fit.error);
      this.fitted = fit.layout;
      return E.right(fit.layout);
    } catch (error) {
      return E.left(mapAwsError(error, `table ${this.table}`));
    }
  };

  private readonly applyWith =
    (layout: MarkerLayout, chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    async () => {
      try {
        const outcome = await withRetries(
          () => this.transact(layout, chunk),
          (result) => result !== CONFLICT,
          unboundedDeadline,
          this.retry,
        );
        if (outcome === CONFLICT)
          return E.left(
            transient(
              "TransactionConflict",
              `table ${this.table}: concurrent writes, retries spent`,
            ),
          );
        return outcome;
      } catch (error) {
        return E.left(mapAwsError(error, `table ${this.table}`));
      }
    };

  private async transact(
    layout: MarkerLayout,
    chunk: AggregateChunk,
  ): Promise<E.Either<PipelineError, ApplyOutcome> | typeof CONFLICT> {
    try {
      await this.client.send(
        new TransactWriteItemsCommand({ TransactItems: this.actions(layout, chunk) }),
      );
      return E.right({ _tag: "Applied" });
    } catch (error) {
      // DynamoDB Local refuses some invalid requests as a whole (ValidationException) before
      // checking any condition: treated as a cancellation with no reason but the validation.
      const validation = error instanceof Error && error.name === "ValidationException";
      if (!(error instanceof TransactionCanceledException) && !validation) throw error;
      const reasons =
        error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      const offset = chunk.updates.length;
      const markers = chunk.markers.filter(
        (_, i) => reasons[offset + i]?.Code === "ConditionalCheckFailed",
      );
      if (markers.length > 0) return E.right({ _tag: "AlreadyApplied", markers });
      const invalid = validation
        ? (error as Error).message
        : reasons.find((reason) => reason.Code === "ValidationError")?.Message;
      if (validation || invalid !== undefined) {
        const [only] = chunk.markers;
        if (chunk.markers.length === 1 && only !== undefined && (await this.exists(layout, only)))
          return E.right({ _tag: "AlreadyApplied", markers: [only] });
        return E.left(invalidRecord("", "$", invalid ?? "refused by DynamoDB as invalid"));
      }
      if (reasons.some((reason) => reason.Code === "TransactionConflict")) return CONFLICT;
      throw error;
    }
  }

  /** Whether a record's marker exists (a strongly consistent read). */
  private async exists(layout: MarkerLayout, eventId: string): Promise<boolean> {
    const { Item } = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: toSdkItem(markerKey(layout, eventId)),
        ConsistentRead: true,
        ProjectionExpression: "#pk",
        ExpressionAttributeNames: { "#pk": layout.partitionKey },
      }),
    );
    return Item !== undefined;
  }

  private actions(layout: MarkerLayout, chunk: AggregateChunk): TransactWriteItem[] {
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
            Item: toSdkItem(markerItem(layout, eventId, now)),
            ConditionExpression: "attribute_not_exists(#pk)",
            ExpressionAttributeNames: { "#pk": layout.partitionKey },
          },
        }),
      ),
    ];
  }
}
