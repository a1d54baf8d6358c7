import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import {
  fitMarkerLayout,
  type KeyAttribute,
  type MarkerLayout,
  markerKey,
} from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import { regimeStampAttributes } from "../../domain/regimeStamps.js";
import type {
  AdvanceOutcome,
  AggregateStore,
  ApplyOutcome,
  TotalAdvance,
} from "../../ports/aggregateStore.js";
import { advanceTotalOverDynamoDb } from "./advanceTotalOverDynamoDb.js";
import { type ChunkTable, chunkActions, refusalOf } from "./chunkTransaction.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "./retry.js";
import { toSdkItem } from "./sdkAttributes.js";

/** What one transaction attempt ended with; `Conflict` is worth another attempt. */
type Attempt = E.Either<PipelineError, ApplyOutcome> | "Conflict";

/**
 * {@link AggregateStore} over {@link DynamoDbCalls}, whichever DynamoDB they reach: one
 * TransactWriteItems per chunk, `ADD` per total and a conditional `Put` (attribute_not_exists)
 * per marker, all or nothing. The table's key schema is read once (DescribeTable) and the marker
 * fitted to it (a numeric sort key gets `0`; a partition key that is not a string is a
 * configuration error). Each total's update is guarded against records a watermark write applied
 * and stamps the total as written by markers (adapters/shared/chunkTransaction.ts). A
 * cancellation is read whatever the order of its reasons: failed conditions → `Refused` with
 * the markers found, the totals a watermark covers and the totals a watermark write stamped;
 * ValidationError (a total out of range, a key of the wrong type) → `InvalidRecord`, after
 * checking (GetItem) that a lone record's marker does not exist, so a record applied before is
 * never reported as rejected; TransactionConflict only → retried here with the shared policy.
 * Watermark mode
 * (`advance`): one conditional UpdateItem per total, see {@link advanceTotalOverDynamoDb}.
 *
 * @example
 * const store = new AggregateStoreOverDynamoDb(calls, "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec), Date.now);
 */
export class AggregateStoreOverDynamoDb implements AggregateStore {
  private fitted: MarkerLayout | undefined;

  readonly aggregationId: string | undefined;

  constructor(
    private readonly calls: DynamoDbCalls,
    private readonly table: string,
    private readonly spec: AggregateSpec,
    private readonly layout: MarkerLayout,
    private readonly clock: () => number,
    private readonly retry: RetryEnv = defaultRetryEnv,
  ) {
    this.aggregationId = layout.aggregationId;
  }

  readonly apply = (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    pipe(
      this.markerLayout(),
      TE.chain((layout) => this.applyWith(layout, chunk)),
    );

  readonly advance = (update: TotalAdvance): TE.TaskEither<PipelineError, AdvanceOutcome> =>
    advanceTotalOverDynamoDb(
      {
        calls: this.calls,
        table: this.table,
        spec: this.spec,
        aggregationId: this.layout.aggregationId,
        clock: this.clock,
        retry: this.retry,
      },
      update,
    );

  private readonly markerLayout = (): TE.TaskEither<PipelineError, MarkerLayout> => {
    if (this.fitted !== undefined) return TE.right(this.fitted);
    return pipe(
      this.calls.describeTable({ TableName: this.table }),
      TE.mapLeft((failure): PipelineError => mapServiceError(failure, this.resource)),
      TE.chainEitherKW(({ Table }) => {
        const typeOf = (name: string) =>
          Table?.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType;
        const keys = ["HASH", "RANGE"].flatMap((kind): KeyAttribute[] => {
          const name = Table?.KeySchema?.find((k) => k.KeyType === kind)?.AttributeName;
          const type = name === undefined ? undefined : typeOf(name);
          return name === undefined || type === undefined ? [] : [{ name, type }];
        });
        return fitMarkerLayout(this.layout, this.table, keys);
      }),
      TE.map((layout) => {
        this.fitted = layout;
        return layout;
      }),
    );
  };

  private readonly applyWith =
    (layout: MarkerLayout, chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    async () => {
      const outcome = await withRetries(
        () => this.attempt(layout, chunk),
        (result) => result !== "Conflict",
        unboundedDeadline,
        this.retry,
      );
      return outcome === "Conflict"
        ? E.left(
            transient("TransactionConflict", `${this.resource}: concurrent writes, retries spent`),
          )
        : outcome;
    };

  private async attempt(layout: MarkerLayout, chunk: AggregateChunk): Promise<Attempt> {
    const target = this.chunkTable(layout);
    const written = await this.calls.transactWriteItems({
      TransactItems: chunkActions(target, chunk, this.clock()),
    })();
    if (E.isRight(written)) return E.right({ _tag: "Applied" });
    const failure = written.left;
    // DynamoDB Local refuses some invalid requests as a whole (ValidationException) before
    // checking any condition: read as a cancellation whose only reason is the validation.
    const validation = failure.name === "ValidationException";
    if (failure.name !== "TransactionCanceledException" && !validation)
      return E.left(mapServiceError(failure, this.resource));
    const reasons = validation ? [] : (failure.CancellationReasons ?? []);
    const refused = refusalOf(target, chunk, reasons);
    if (refused !== undefined) return E.right(refused);
    const invalid = validation
      ? failure.message
      : reasons.find((reason) => reason.Code === "ValidationError")?.Message;
    if (validation || invalid !== undefined) {
      const [only] = chunk.markers;
      if (chunk.markers.length === 1 && only !== undefined) {
        const exists = await this.markerExists(layout, only);
        if (E.isLeft(exists)) return exists;
        if (exists.right)
          return E.right({ _tag: "Refused", markers: [only], covered: [], watermarked: [] });
      }
      return E.left(invalidRecord("", "$", invalid ?? "refused by DynamoDB as invalid"));
    }
    // A conflict, or a guard that failed on an item that changed between the reasons: again.
    if (
      reasons.some(
        (reason) =>
          reason.Code === "TransactionConflict" || reason.Code === "ConditionalCheckFailed",
      )
    )
      return "Conflict";
    return E.left(mapServiceError(failure, this.resource));
  }

  private chunkTable(layout: MarkerLayout): ChunkTable {
    return {
      table: this.table,
      sumAttribute: this.spec.sum.target,
      aggregationId: layout.aggregationId,
      stamps: regimeStampAttributes(layout.aggregationId),
      layout,
    };
  }

  /** Whether a record's marker exists (a strongly consistent read). */
  private async markerExists(
    layout: MarkerLayout,
    eventId: string,
  ): Promise<E.Either<PipelineError, boolean>> {
    const read = await this.calls.getItem({
      TableName: this.table,
      Key: toSdkItem(markerKey(layout, eventId)),
      ConsistentRead: true,
      ProjectionExpression: "#pk",
      ExpressionAttributeNames: { "#pk": layout.partitionKey },
    })();
    return pipe(
      read,
      E.bimap(
        (failure) => mapServiceError(failure, this.resource),
        ({ Item }) => Item !== undefined,
      ),
    );
  }

  private get resource(): string {
    return `table ${this.table}`;
  }
}
