import { randomUUID } from "node:crypto";
import type { UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import type { AggregateSpec } from "../../domain/aggregateSpec.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import { invalidRecord, type PipelineError, transient } from "../../domain/errors.js";
import {
  isRecentStamp,
  regimeHorizon,
  regimeStamp,
  regimeStampAttributes,
} from "../../domain/regimeStamps.js";
import {
  staleWatermarks,
  watermarkAttributeOf,
  watermarkSequenceOf,
  watermarkValue,
} from "../../domain/totalWatermarks.js";
import type { AdvanceOutcome, TotalAdvance } from "../../ports/aggregateStore.js";
import type { DynamoDbCalls } from "./dynamoDbCalls.js";
import { mapServiceError } from "./mapServiceError.js";
import { defaultRetryEnv, type RetryEnv, withRetries } from "./retry.js";
import { fromSdkItem, toSdkItem } from "./sdkAttributes.js";

/** Where and how {@link advanceTotalOverDynamoDb} writes. */
export interface TotalAdvanceTarget {
  readonly calls: DynamoDbCalls;
  readonly table: string;
  readonly spec: AggregateSpec;
  /** Scopes the watermark attributes (aggregations sharing a totals table keep their own). */
  readonly aggregationId: string | undefined;
  readonly clock: () => number;
  readonly retry?: RetryEnv;
}

/** One attempt's end; `Retry`: throttled, or the watermark moved back (pruned) meanwhile. */
type Attempt = E.Either<PipelineError, AdvanceOutcome> | "Retry";

/**
 * Watermark mode's write of one total: ONE UpdateItem
 * `ADD #total :amount SET #wm = :last, #wr = :stamp` under
 * `(attribute_not_exists(#wm) OR #wm < :first) AND (attribute_not_exists(#mk) OR #mk < :horizon)`,
 * where `#wm` is the total's attribute for this aggregation and shard (domain/totalWatermarks.ts)
 * and `#wr`/`#mk` its stamps of watermark writes and marker transactions
 * (domain/regimeStamps.ts), 1 WCU for a total under 1 KB, no transaction. A
 * ConditionalCheckFailed is `BehindWatermark` (the watermark read from the item the refusal
 * returns, `ReturnValuesOnConditionCheckFailure: ALL_OLD`) or, when markers stamped the total
 * in the last 48 hours, `MarkerStamped`; so is a ValidationException (a total beyond 38 digits) when the watermark, read
 * strongly consistent, already covers `first`, otherwise it is `InvalidRecord`.
 * Throttling is retried here with the shared policy. Watermarks not moved for 48 hours, seen in
 * the item returned (`ReturnValues: ALL_NEW`, no extra cost), are removed by a conditional
 * REMOVE (their value unchanged), so items do not grow with the shards a stream ever had.
 *
 * @example
 * const outcome = await advanceTotalOverDynamoDb(target, { key, amount: "3", shardId, first, last })();
 */
export const advanceTotalOverDynamoDb =
  (
    target: TotalAdvanceTarget,
    advance: TotalAdvance,
  ): TE.TaskEither<PipelineError, AdvanceOutcome> =>
  async () => {
    const { calls, table, spec, clock } = target;
    const resource = `table ${table}`;
    const attribute = watermarkAttributeOf(target.aggregationId, advance.shardId);
    const stamps = regimeStampAttributes(target.aggregationId);
    const names = { "#total": spec.sum.target, "#wm": attribute };

    /** The total's watermark for this shard in `item` (padded), undefined when none. */
    const watermarkIn = (item: AttributeMap | undefined): string | undefined => {
      const value = item?.[attribute];
      return value !== undefined && "S" in value ? watermarkSequenceOf(value.S) : undefined;
    };

    const readWatermark = async (): Promise<E.Either<PipelineError, string | undefined>> => {
      const read = await calls.getItem({
        TableName: table,
        Key: toSdkItem(advance.key),
        ConsistentRead: true,
        ProjectionExpression: "#wm",
        ExpressionAttributeNames: { "#wm": attribute },
      })();
      if (E.isLeft(read)) return E.left(mapServiceError(read.left, resource));
      return E.right(
        watermarkIn(read.right.Item === undefined ? undefined : fromSdkItem(read.right.Item)),
      );
    };

    const attempt = async (): Promise<Attempt> => {
      const now = clock();
      const request: UpdateItemCommandInput = {
        TableName: table,
        Key: toSdkItem(advance.key),
        UpdateExpression: "ADD #total :amount SET #wm = :wm, #wr = :stamp",
        ConditionExpression:
          "(attribute_not_exists(#wm) OR #wm < :first) AND (attribute_not_exists(#mk) OR #mk < :horizon)",
        ExpressionAttributeNames: { ...names, "#wr": stamps.watermarks, "#mk": stamps.markers },
        ExpressionAttributeValues: {
          ":amount": { N: advance.amount },
          ":wm": { S: watermarkValue(advance.last, now) },
          ":first": { S: advance.first },
          // Unique to this write: a marker transaction guarding "no watermark write since the
          // stamp I saw" notices this one even within the same second.
          ":stamp": { S: regimeStamp(now, randomUUID()) },
          ":horizon": { S: regimeHorizon(now) },
        },
        ReturnValues: "ALL_NEW",
        // A refusal carries the item: its watermark, without another read.
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      };
      const written = await calls.updateItem(request)();
      if (E.isRight(written)) {
        const item = written.right.Attributes;
        if (item !== undefined) await prune(fromSdkItem(item));
        return E.right({ _tag: "Applied" });
      }
      const failure = written.left;
      const refused = failure.name === "ConditionalCheckFailedException";
      const error = mapServiceError(failure, resource);
      if (!refused && error._tag === "Transient") return "Retry";
      if (!refused && error._tag !== "InvalidRecord") return E.left(error);
      const old = failure.Item === undefined ? undefined : fromSdkItem(failure.Item);
      const read = refused ? E.right(watermarkIn(old)) : await readWatermark();
      if (E.isLeft(read)) return read;
      const watermark = read.right;
      if (watermark !== undefined && watermark >= advance.first)
        return E.right({ _tag: "BehindWatermark", watermark });
      if (refused && isRecentStamp(old?.[stamps.markers], now))
        return E.right({ _tag: "MarkerStamped" });
      if (refused) return "Retry";
      return E.left(
        invalidRecord(
          "",
          "$",
          `total ${canonicalKey(advance.key)} refused by DynamoDB: ${failure.message}`,
        ),
      );
    };

    /** Removes watermarks idle for 48 hours; a failure only leaves them for next time. */
    const prune = async (item: AttributeMap) => {
      for (const stale of staleWatermarks(item, clock())) {
        if (stale.name === attribute) continue;
        await calls.updateItem({
          TableName: table,
          Key: toSdkItem(advance.key),
          UpdateExpression: "REMOVE #stale",
          ConditionExpression: "#stale = :seen",
          ExpressionAttributeNames: { "#stale": stale.name },
          ExpressionAttributeValues: { ":seen": { S: stale.value } },
        })();
      }
    };

    const outcome = await withRetries(
      attempt,
      (result) => result !== "Retry",
      unboundedDeadline,
      target.retry ?? defaultRetryEnv,
    );
    return outcome === "Retry"
      ? E.left(transient("UpdateItem", `${resource}: throttled or contended, retries spent`))
      : outcome;
  };
