import * as E from "fp-ts/lib/Either.js";
import type * as TE from "fp-ts/lib/TaskEither.js";
import { type AttributeMap, canonicalKey } from "../../domain/attributeValue.js";
import { type PipelineError, transient } from "../../domain/errors.js";
import type { ShardWatermark } from "../../domain/regimeStamps.js";
import { watermarkAttributeOf } from "../../domain/totalWatermarks.js";
import type { AggregationBatch } from "./aggregationReport.js";

/**
 * A total a watermark write stamped in the last 48 hours, refused to a marker transaction that
 * does not know the batch's shard: its stamp and shard watermarks as the refusal returned them,
 * and the padded sequence numbers of the batch's records still to apply to it.
 */
export interface WatermarkedTotal {
  readonly key: AttributeMap;
  readonly stamp: string | undefined;
  readonly watermarks: ReadonlyArray<ShardWatermark>;
  readonly pending: ReadonlyArray<string>;
}

/**
 * What {@link shardOfBatch} found: the batch's shard, or the watermark attributes of the shards
 * read back and found not to be it (none when no lookup was needed).
 */
export type ShardLookup =
  | { readonly _tag: "Found"; readonly shardId: string }
  | { readonly _tag: "NotAmong"; readonly attributes: ReadonlyArray<string> };

/**
 * Which shard a batch comes from, asked only when it matters: when a watermark on one of `totals`
 * is at or past one of the records the batch still has for it, that record was applied there iff
 * the watermark is its own shard's. The candidates are the stream's shards whose watermark on one
 * of the totals covers such a record; each is read at a record of the batch (`batch.source`)
 * until one holds it. `NotAmong`: no watermark can cover the records (none at or past them, no
 * candidate read), or none of the watermarks that reach them is the batch's shard's (the
 * candidates read do not hold its record; others belong to no shard of its stream, as
 * DescribeStream lists them): their attributes, so that no watermark of its shard covers them. A left when the shard cannot be looked up (no record to
 * look up, no stream access, a failed or inconclusive read): the batch is retried rather than
 * applied twice.
 *
 * @example
 * const lookup = await shardOfBatch(store.aggregationId, batch, totals)();
 */
export const shardOfBatch =
  (
    aggregationId: string | undefined,
    batch: AggregationBatch,
    totals: ReadonlyArray<WatermarkedTotal>,
  ): TE.TaskEither<PipelineError, ShardLookup> =>
  async () => {
    const reaching = totals.filter((total) =>
      total.watermarks.some((w) => total.pending.some((padded) => padded <= w.padded)),
    );
    const [first] = reaching;
    if (first === undefined) return E.right({ _tag: "NotAmong", attributes: [] });
    const { shards, source } = batch;
    if (shards === undefined || source === undefined)
      return E.left(
        transient(
          "shard lookup",
          `total ${canonicalKey(first.key)} carries a watermark at or past a record of this batch, and the event does not name its shard (no tumbling window) nor can it be looked up in the stream: the record may already be counted there; restore the mapping's tumbling window`,
        ),
      );
    const ids = await shards.shardsOf(source.streamArn)();
    if (E.isLeft(ids)) return ids;
    const candidates = ids.right.filter((shardId) => {
      const attribute = watermarkAttributeOf(aggregationId, shardId);
      return reaching.some((total) =>
        total.watermarks.some(
          (w) => w.attribute === attribute && total.pending.some((padded) => padded <= w.padded),
        ),
      );
    });
    for (const shardId of candidates) {
      const holds = await shards.holds(shardId, source)();
      if (E.isLeft(holds)) return holds;
      if (holds.right) return E.right({ _tag: "Found", shardId });
    }
    // None holds it: the batch's shard is none of them, nor one the stream does not list
    // (another stream's, another aggregation's watermark).
    const ours = new Set(ids.right.map((shardId) => watermarkAttributeOf(aggregationId, shardId)));
    const notOurs = reaching.flatMap((total) =>
      total.watermarks.map((w) => w.attribute).filter((attribute) => !ours.has(attribute)),
    );
    const tested = candidates.map((shardId) => watermarkAttributeOf(aggregationId, shardId));
    return E.right({ _tag: "NotAmong", attributes: [...new Set([...notOurs, ...tested])] });
  };
