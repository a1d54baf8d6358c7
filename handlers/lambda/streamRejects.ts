import type { DynamoDBRecord } from "aws-lambda";
import type { InvalidRecord } from "../../domain/errors.js";
import type { RejectedRecord } from "../../ports/rejectSink.js";

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
});
