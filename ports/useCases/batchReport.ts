import * as E from "fp-ts/lib/Either.js";
import type { InvalidRecord, PipelineError } from "../../domain/errors.js";

/**
 * A record that can never succeed, by its position in the delivered batch. `detail` is what the
 * use case knows about it beyond the record itself (the command's source and key, say); the
 * entry point adds what identifies the record in its source.
 * @example const reject: IndexedReject = { index: 2, error: invalidRecord("e3", "$", "too big") };
 */
export interface IndexedReject {
  readonly index: number;
  readonly error: InvalidRecord;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * A record that failed for a reason a retry may remove (throttling, a refused run…), by its
 * position in the delivered batch.
 * @example const failure: IndexedFailure = { index: 0, error: transient("BatchWriteItem", "throttled") };
 */
export interface IndexedFailure {
  readonly index: number;
  readonly error: PipelineError;
}

/**
 * What a use case did with a batch, by record position: the records that failed transiently
 * (not done: to be delivered again) and the records rejected (done: never to be retried). The
 * entry point turns it into Lambda's partial batch response (handlers/lambda/batchResponse.ts).
 * @example const report: BatchReport = { failed: [], rejected: [] }; // everything done
 */
export interface BatchReport {
  readonly failed: ReadonlyArray<IndexedFailure>;
  readonly rejected: ReadonlyArray<IndexedReject>;
}

/**
 * A batch as its entry point decoded it: one Either per delivered record, in delivery order (the
 * position is the record's index), `left` when the record could not be read.
 * @example const batch: DecodedBatch<ChangeRecord> = records.map(decodeChangeRecord);
 */
export type DecodedBatch<A> = ReadonlyArray<E.Either<InvalidRecord, A>>;

/**
 * The records of a decoded batch that could not be read, as rejects, in delivery order.
 * @example unreadable([E.left(invalidRecord("#0", "$", "not a record")), E.right(change)]) // [{ index: 0, error }]
 */
export const unreadable = <A>(batch: DecodedBatch<A>): IndexedReject[] =>
  batch.flatMap((record, index) => (E.isLeft(record) ? [{ index, error: record.left }] : []));

/**
 * The records of a decoded batch that could be read, each with its position.
 * @example readable([E.left(error), E.right(change)]) // [{ index: 1, value: change }]
 */
export const readable = <A>(
  batch: DecodedBatch<A>,
): { readonly index: number; readonly value: A }[] =>
  batch.flatMap((record, index) => (E.isRight(record) ? [{ index, value: record.right }] : []));

/**
 * Rejects in record order (a stable sort by position).
 * @example inRecordOrder([{ index: 3, error: a }, { index: 1, error: b }]) // [b at 1, a at 3]
 */
export const inRecordOrder = (rejects: ReadonlyArray<IndexedReject>): IndexedReject[] =>
  [...rejects].sort((a, b) => a.index - b.index);
