import { type AttributeMap, itemSize } from "../../../domain/attributeValue.js";
import type { InMemoryDynamoDb } from "./InMemoryDynamoDb.js";
import { itemKeyOf, keyIdOf } from "./itemRules.js";
import { InMemoryServiceError } from "./serviceError.js";

/** DynamoDB stops a Scan page once it has read 1 MB. */
const PAGE_BYTES = 1024 * 1024;

/**
 * One Scan request in the simulator's terms (the SDK's `Segment`, `TotalSegments`, `Limit`,
 * `ExclusiveStartKey`).
 * @example const request: ScanPageRequest = { table: "orders", segment: 0, totalSegments: 4, limit: 100 };
 */
export interface ScanPageRequest {
  readonly table: string;
  readonly segment?: number | undefined;
  readonly totalSegments?: number | undefined;
  readonly limit?: number | undefined;
  readonly exclusiveStartKey?: AttributeMap | undefined;
}

/**
 * One Scan page: the items, and the key to start the next page after when the page stopped
 * before the end of its segment.
 * @example const page: ScanPage = { items: [], lastEvaluatedKey: undefined };
 */
export interface ScanPage {
  readonly items: ReadonlyArray<AttributeMap>;
  readonly lastEvaluatedKey: AttributeMap | undefined;
}

const invalid = (message: string): never => {
  throw new InMemoryServiceError("ValidationException", message);
};

/** A stable segment for a key identity (FNV-1a), like DynamoDB's hash of the partition key. */
const segmentOf = (id: string, totalSegments: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % totalSegments;
};

/**
 * Reads one Scan page of an {@link InMemoryDynamoDb} table as DynamoDB does: the items of the
 * segment after `exclusiveStartKey` (in the table's key order), at most `limit` of them and no
 * more than 1 MB, `lastEvaluatedKey` set when the page stopped early (so, like DynamoDB, the
 * last page may be empty). Refuses a `Segment` without `TotalSegments` and out-of-range values
 * (ValidationException), a missing table (ResourceNotFoundException), and raises the fault the
 * db's hook injects into `Scan`. Counts the request in `db.usage`.
 *
 * @example
 * const { items, lastEvaluatedKey } = scanPage(db, { table: "orders", limit: 10 });
 */
export const scanPage = (db: InMemoryDynamoDb, request: ScanPageRequest): ScanPage => {
  const { table, segment, totalSegments, limit } = request;
  if ((segment === undefined) !== (totalSegments === undefined))
    invalid("The Segment parameter is required but was not present in the request");
  const total = totalSegments ?? 1;
  const index = segment ?? 0;
  if (!Number.isInteger(total) || total < 1 || total > 1_000_000)
    invalid("TotalSegments must be an integer from 1 to 1000000");
  if (!Number.isInteger(index) || index < 0 || index >= total)
    invalid("Segment must be an integer from 0 to TotalSegments - 1");
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    invalid("Limit must be an integer of at least 1");
  const schema = db.keySchema(table);
  const types = db.keyTypes(table);
  const fault = db.fault?.("Scan", table);
  if (fault !== undefined) throw new InMemoryServiceError(fault, `injected ${fault} on Scan`);
  db.usage.requests.set("Scan", (db.usage.requests.get("Scan") ?? 0) + 1);

  const after =
    request.exclusiveStartKey === undefined
      ? undefined
      : keyIdOf(schema, request.exclusiveStartKey, table, types);
  const items: AttributeMap[] = [];
  let bytes = 0;
  for (const item of db.scan(table)) {
    const id = keyIdOf(schema, itemKeyOf(schema, item, table), table, types);
    if ((after !== undefined && id <= after) || segmentOf(id, total) !== index) continue;
    items.push(item);
    bytes += itemSize(item);
    if (items.length === limit || bytes >= PAGE_BYTES)
      return { items, lastEvaluatedKey: itemKeyOf(schema, item, table) };
  }
  return { items, lastEvaluatedKey: undefined };
};
