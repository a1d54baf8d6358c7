import type * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateChunk } from "../../../domain/aggregateChunks.js";
import type { PipelineError } from "../../../domain/errors.js";
import type {
  AdvanceOutcome,
  AggregateStore,
  ApplyOutcome,
  TotalAdvance,
} from "../../../ports/aggregateStore.js";
import type { FaultPlan } from "./faultPlan.js";
import { type FaultSite, faultyCall } from "./faultyCalls.js";

/**
 * {@link AggregateStore} decorator that injects the faults of a {@link FaultPlan} into `apply`
 * (one TransactWriteItems per call, one write) and `advance` (one UpdateItem per call, one
 * write), in front of any store (in memory, DynamoDB):
 * `transient` (throttling) and `transactionCanceled` (TransactionConflict) refuse the chunk,
 * `timeout` applies it and loses the answer, crashes reject before or after the transaction.
 *
 * @example
 * const store = new FaultyAggregateStore(new DynamoDbAggregateStore(client, "totals", spec, layout), plan);
 */
export class FaultyAggregateStore implements AggregateStore {
  private readonly site: FaultSite;
  private readonly updateSite: FaultSite;
  readonly aggregationId: string | undefined;

  constructor(
    private readonly inner: AggregateStore,
    plan: FaultPlan,
  ) {
    this.aggregationId = inner.aggregationId;
    this.site = { plan, port: "AggregateStore", operation: "TransactWriteItems" };
    this.updateSite = { plan, port: "AggregateStore", operation: "UpdateItem" };
  }

  readonly apply =
    (chunk: AggregateChunk): TE.TaskEither<PipelineError, ApplyOutcome> =>
    () =>
      faultyCall(this.site, () => this.inner.apply(chunk)());

  readonly advance =
    (update: TotalAdvance): TE.TaskEither<PipelineError, AdvanceOutcome> =>
    () =>
      faultyCall(this.updateSite, () => this.inner.advance(update)());
}
