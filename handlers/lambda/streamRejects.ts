import type { DynamoDBRecord } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import type { InvalidRecord } from "../../domain/errors.js";
import type { RejectedRecord, RejectSink } from "../../ports/rejectSink.js";
import type { StreamBatchResponse } from "./batchResponse.js";

/**
 * What identifies a DynamoDB stream record for an operator: its keys, sequence number and event.
 * @example rejectionOf(error, event.Records[3])
 */
export const rejectionOf = (
  error: InvalidRecord,
  record: DynamoDBRecord | undefined,
): RejectedRecord => ({
  error,
  identity: {
    eventID: record?.eventID,
    eventName: record?.eventName,
    sequenceNumber: record?.dynamodb?.SequenceNumber,
    keys: record?.dynamodb?.Keys,
  },
  ...(record === undefined ? {} : { original: record }),
});

/**
 * Hands a stream batch's rejects to the sink and returns the batch's response: `response` when
 * the sink stored them (or there were none); when it could not (its destination still failing
 * after retries), the checkpoint moves back to the FIRST rejected record, so Lambda retries from
 * there and no reject is lost.
 *
 * @example
 * return reportStreamRejects(deps.rejects, rejectsNow.map((r) => ({ index: r.index, record: rejectionOf(r.error, records[r.index]) })), response, (i) => records[i]?.dynamodb?.SequenceNumber);
 */
export const reportStreamRejects = async (
  sink: RejectSink,
  rejects: ReadonlyArray<{ readonly index: number; readonly record: RejectedRecord }>,
  response: StreamBatchResponse,
  sequenceNumberAt: (index: number) => string | undefined,
): Promise<StreamBatchResponse> => {
  if (rejects.length === 0) return response;
  const stored = await sink.reject(rejects.map((r) => r.record))();
  if (E.isRight(stored)) return response;
  const first = Math.min(...rejects.map((r) => r.index));
  return { batchItemFailures: [{ itemIdentifier: sequenceNumberAt(first) ?? "" }] };
};
