import * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../domain/aggregateChunks.js";
import { type MarkerLayout, markerItem } from "../../domain/aggregateMarkers.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import type { PipelineError } from "../../domain/errors.js";
import type { AggregateStore, ApplyOutcome } from "../../ports/aggregateStore.js";
import type { InMemoryDynamoDb, TransactAction } from "../localAws/services/InMemoryDynamoDb.js";
import { InMemoryServiceError } from "../localAws/services/serviceError.js";
import { mapInMemoryError } from "./mapInMemoryError.js";

/**
 * {@link AggregateStore} on an {@link InMemoryDynamoDb} totals table: one transaction per chunk
 * (ADD per total, conditional put per marker), refused as a whole when a marker exists.
 *
 * @example
 * const store = new InMemoryAggregateStore(db, "totals", seedAggregateSpec, markerLayoutOf(seedAggregateSpec), clock);
 */
export class InMemoryAggregateStore implements AggregateStore {
  constructor(
    private readonly db: InMemoryDynamoDb,
    private readonly table: string,
    private readonly spec: AggregateSpec,
    private readonly layout: MarkerLayout,
    private readonly clock: () => number,
  ) {}

  readonly apply = (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    TE.tryCatch(
      async () => {
        const now = this.clock();
        const actions: TransactAction[] = [
          ...chunk.updates.map(
            (update): TransactAction => ({
              kind: "add",
              table: this.table,
              key: update.key,
              attribute: this.spec.sum.target,
              delta: update.amount,
            }),
          ),
          ...chunk.markers.map(
            (eventId): TransactAction => ({
              kind: "put",
              table: this.table,
              item: markerItem(this.layout, eventId, now),
              condition: (existing) => existing === undefined,
            }),
          ),
        ];
        try {
          this.db.transactWrite(actions);
          return { _tag: "Applied" } as const;
        } catch (error) {
          if (
            !(error instanceof InMemoryServiceError) ||
            error.name !== "TransactionCanceledException"
          )
            throw error;
          const offset = chunk.updates.length;
          const markers = chunk.markers.filter(
            (_, i) => error.cancellationReasons[offset + i] === "ConditionalCheckFailed",
          );
          if (markers.length === 0) throw error;
          return { _tag: "AlreadyApplied", markers } as const;
        }
      },
      (error) => mapInMemoryError(error, `table ${this.table}`),
    );
}
