import * as E from "fp-ts/lib/Either.js";
import { type InvalidRecord, invalidRecord } from "./errors.js";
import type { ChangeRecord } from "./streamRecord.js";
import type { WriteCommand } from "./writeCommand.js";

/**
 * The write a replica must apply for one change of the source table: INSERT/MODIFY put the new
 * image, REMOVE deletes the key. The command keeps the stream's SequenceNumber as `seq` (orders
 * writes of one key) and the eventID as `source` (names it in reports).
 *
 * @example
 * changeToCommand({ eventId: "e1", eventName: "REMOVE", sequenceNumber: "7", keys: { id: { S: "a" } } })
 * // right({ op: "delete", key: { id: { S: "a" } }, source: "e1", seq: "7" })
 */
export const changeToCommand = (change: ChangeRecord): E.Either<InvalidRecord, WriteCommand> => {
  if (change.eventName === "REMOVE")
    return E.right({
      op: "delete",
      key: change.keys,
      source: change.eventId,
      seq: change.sequenceNumber,
    });
  if (change.newImage === undefined)
    return E.left(
      invalidRecord(change.eventId, "dynamodb.NewImage", `missing on ${change.eventName}`),
    );
  return E.right({
    op: "put",
    key: change.keys,
    item: change.newImage,
    source: change.eventId,
    seq: change.sequenceNumber,
  });
};
