import type { TaskEither } from "fp-ts/lib/TaskEither.js";
import type { AttributeMap } from "../domain/attributeValue.js";
import type { Deadline } from "../domain/deadline.js";
import type { PipelineError } from "../domain/errors.js";

/**
 * Writes ONE aggregation's total on the items of a totals table, and nothing else of them: the
 * table may be shared with other aggregations (their totals are other attributes of the same
 * items), and its items carry the pipeline's bookkeeping (`__wm_…` watermark attributes) and
 * marker items. `write` sets the total's attribute (the item is created when absent) or removes
 * it; every other attribute stays as it is, and no item is ever deleted: nothing tells, in one
 * conditional write, that an item holds nothing another writer could add to meanwhile. An item
 * left with only its key is no total of anyone's. Throttling is retried until the deadline.
 *
 * @example
 * const totals = new DynamoDbTotalAttributeWriter(client, "totals", "quantity");
 * await totals.write({ order_date: { S: "2026-11-21" }, item_number: { S: "a" } }, "5", deadline)();
 */
export interface TotalAttributeWriter {
  /**
   * Sets the total at `key` to `total` (a DynamoDB number), or removes it (`undefined`). Left: a
   * `Configuration` error (the table is missing or refused), or this total's own failure.
   */
  readonly write: (
    key: AttributeMap,
    total: string | undefined,
    deadline: Deadline,
  ) => TaskEither<PipelineError, void>;
}
