import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import type { AggregateChunk, ChunkUpdate } from "../../domain/aggregateChunks.js";
import { type MarkerLayout, markerItem } from "../../domain/aggregateMarkers.js";
import type { AttributeMap } from "../../domain/attributeValue.js";
import {
  type RegimeStampAttributes,
  regimeHorizon,
  regimeStamp,
  shardWatermarks,
} from "../../domain/regimeStamps.js";
import { watermarkAttributeOf, watermarkSequenceOf } from "../../domain/totalWatermarks.js";
import type { ApplyOutcome } from "../../ports/aggregateStore.js";
import { fromSdkItem, toSdkItem } from "./sdkAttributes.js";
import type { ServiceFailure } from "./serviceFailure.js";

/**
 * What a marker transaction is written into.
 * @example const target: ChunkTable = { table: "totals", sumAttribute: "quantity", aggregationId, stamps: regimeStampAttributes(aggregationId), layout };
 */
export interface ChunkTable {
  readonly table: string;
  /** The summed attribute of the aggregation's totals. */
  readonly sumAttribute: string;
  readonly aggregationId: string | undefined;
  readonly stamps: RegimeStampAttributes;
  readonly layout: MarkerLayout;
}

/** The condition, names and values of one update's guard (none for `None`). */
const guardOf = (
  target: ChunkTable,
  update: ChunkUpdate,
  nowMs: number,
): Pick<
  NonNullable<TransactWriteItem["Update"]>,
  "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
> => {
  const { guard } = update;
  switch (guard._tag) {
    case "None":
      return {};
    case "ShardWatermarkAtOrPast":
      return {
        ConditionExpression: "attribute_not_exists(#wm) OR #wm < :first",
        ExpressionAttributeNames: {
          "#wm": watermarkAttributeOf(target.aggregationId, guard.shardId),
        },
        ExpressionAttributeValues: { ":first": { S: guard.first } },
      };
    case "RecentWatermarkWrite":
      return {
        ConditionExpression: "attribute_not_exists(#wr) OR #wr < :horizon",
        ExpressionAttributeNames: { "#wr": target.stamps.watermarks },
        ExpressionAttributeValues: { ":horizon": { S: regimeHorizon(nowMs) } },
      };
    case "WatermarkStampChanged":
      return guard.stamp === undefined
        ? {
            ConditionExpression: "attribute_not_exists(#wr)",
            ExpressionAttributeNames: { "#wr": target.stamps.watermarks },
          }
        : {
            ConditionExpression: "#wr = :seen",
            ExpressionAttributeNames: { "#wr": target.stamps.watermarks },
            ExpressionAttributeValues: { ":seen": { S: guard.stamp } },
          };
  }
};

/**
 * A chunk's TransactWriteItems actions: per total `ADD #total :delta SET #mk = :stamp` under its
 * guard (the refused item returned: `ReturnValuesOnConditionCheckFailure: ALL_OLD`), then per
 * record a `Put` of its marker under `attribute_not_exists`.
 * @example await calls.transactWriteItems({ TransactItems: chunkActions(target, chunk, Date.now()) })();
 */
export const chunkActions = (
  target: ChunkTable,
  chunk: AggregateChunk,
  nowMs: number,
): TransactWriteItem[] => [
  ...chunk.updates.map((update): TransactWriteItem => {
    const guard = guardOf(target, update, nowMs);
    return {
      Update: {
        TableName: target.table,
        Key: toSdkItem(update.key),
        UpdateExpression: "ADD #total :delta SET #mk = :stamp",
        ...(guard.ConditionExpression === undefined
          ? {}
          : {
              ConditionExpression: guard.ConditionExpression,
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }),
        ExpressionAttributeNames: {
          "#total": target.sumAttribute,
          "#mk": target.stamps.markers,
          ...guard.ExpressionAttributeNames,
        },
        ExpressionAttributeValues: {
          ":delta": { N: update.amount },
          ":stamp": { S: regimeStamp(nowMs) },
          ...guard.ExpressionAttributeValues,
        },
      },
    };
  }),
  ...chunk.markers.map(
    (eventId): TransactWriteItem => ({
      Put: {
        TableName: target.table,
        Item: toSdkItem(markerItem(target.layout, eventId, nowMs)),
        ConditionExpression: "attribute_not_exists(#pk)",
        ExpressionAttributeNames: { "#pk": target.layout.partitionKey },
      },
    }),
  ),
];

/**
 * What a cancelled chunk transaction's reasons say, or `undefined` when no condition failed: the
 * markers found, the totals whose shard watermark covers some of the chunk's records, and the
 * totals a watermark write stamped. A guard that failed without any of these (the item changed
 * between the reasons) is left to the caller to retry.
 * @example refusalOf(target, chunk, failure.CancellationReasons ?? [])
 */
export const refusalOf = (
  target: ChunkTable,
  chunk: AggregateChunk,
  reasons: NonNullable<ServiceFailure["CancellationReasons"]>,
): (ApplyOutcome & { readonly _tag: "Refused" }) | undefined => {
  const failed = (index: number) => reasons[index]?.Code === "ConditionalCheckFailed";
  const itemAt = (index: number): AttributeMap | undefined => {
    const item = reasons[index]?.Item;
    return item === undefined ? undefined : fromSdkItem(item);
  };
  const covered: { key: AttributeMap; watermark: string }[] = [];
  const watermarked: {
    key: AttributeMap;
    stamp: string | undefined;
    watermarks: ReturnType<typeof shardWatermarks>;
  }[] = [];
  chunk.updates.forEach((update, index) => {
    if (!failed(index)) return;
    const item = itemAt(index) ?? {};
    const { guard } = update;
    if (guard._tag === "ShardWatermarkAtOrPast") {
      const value = item[watermarkAttributeOf(target.aggregationId, guard.shardId)];
      const watermark =
        value !== undefined && "S" in value ? watermarkSequenceOf(value.S) : undefined;
      if (watermark !== undefined && watermark >= guard.first)
        covered.push({ key: update.key, watermark });
      return;
    }
    const stamp = item[target.stamps.watermarks];
    watermarked.push({
      key: update.key,
      stamp: stamp !== undefined && "S" in stamp ? stamp.S : undefined,
      watermarks: shardWatermarks(item),
    });
  });
  const offset = chunk.updates.length;
  const markers = chunk.markers.filter((_, i) => failed(offset + i));
  return markers.length + covered.length + watermarked.length === 0
    ? undefined
    : { _tag: "Refused", markers, covered, watermarked };
};
