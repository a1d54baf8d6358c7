import {
  type AttributeMap,
  type AttributeValue,
  canonicalKey,
  itemSize,
  type KeySchema,
  keyOf,
  MAX_ITEM_BYTES,
} from "../../domain/attributeValue.js";
import { addNumbers, normalizeNumber } from "../../domain/decimal.js";
import { type DynamoStreamRecord, InMemoryTableStream } from "./InMemoryTableStream.js";
import { InMemoryServiceError } from "./serviceError.js";

/** A condition on the current item (undefined when absent), like a ConditionExpression. */
export type ItemCondition = (existing: AttributeMap | undefined) => boolean;

/** One action of {@link InMemoryDynamoDb.transactWrite}. */
export type TransactAction =
  | {
      readonly kind: "put";
      readonly table: string;
      readonly item: AttributeMap;
      readonly condition?: ItemCondition;
    }
  | {
      readonly kind: "delete";
      readonly table: string;
      readonly key: AttributeMap;
      readonly condition?: ItemCondition;
    }
  | {
      readonly kind: "add";
      readonly table: string;
      readonly key: AttributeMap;
      readonly attribute: string;
      readonly delta: string;
      readonly condition?: ItemCondition;
    }
  | {
      readonly kind: "check";
      readonly table: string;
      readonly key: AttributeMap;
      readonly condition: ItemCondition;
    };

/** One request of {@link InMemoryDynamoDb.batchWrite}. */
export type BatchRequest = { readonly put: AttributeMap } | { readonly delete: AttributeMap };

interface Table {
  readonly schema: KeySchema;
  readonly items: Map<string, AttributeMap>;
  readonly stream: InMemoryTableStream | undefined;
}

/** Hook for fault injection: return an exception name to throw it instead of running `operation`. */
export type DynamoFaultHook = (operation: string, table: string) => string | undefined;

const MAX_TRANSACT_ACTIONS = 100;
const MAX_TRANSACT_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_WRITE = 25;

const normalizeValue = (value: AttributeValue): AttributeValue => {
  if ("N" in value) return { N: normalizeNumber(value.N) };
  if ("NS" in value) return { NS: value.NS.map(normalizeNumber) };
  if ("L" in value) return { L: value.L.map(normalizeValue) };
  if ("M" in value) return { M: normalizeItem(value.M) };
  return value;
};

const normalizeItem = (item: AttributeMap): AttributeMap =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, normalizeValue(value)]));

/**
 * DynamoDB in memory, faithful where the pipelines depend on it: key schemas, conditional
 * writes, all-or-nothing transactions with DynamoDB's limits (100 actions, 4 MB, one action per
 * item), BatchWriteItem limits (25 requests, no duplicate keys), 400 KB items, numbers stored in
 * canonical form, and a NEW_AND_OLD_IMAGES stream with increasing sequence numbers.
 *
 * @example
 * const db = new InMemoryDynamoDb();
 * db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
 * db.put("orders", { order_id: { S: "1" }, quantity: { N: "10" } });
 */
export class InMemoryDynamoDb {
  private readonly tables = new Map<string, Table>();
  /** Set to inject faults (throttling, unprocessed items …) into the next operations. */
  fault: DynamoFaultHook | undefined;

  constructor(private readonly clock: () => number = () => 0) {}

  /** Creates a table; `stream: true` enables a NEW_AND_OLD_IMAGES stream. */
  createTable(name: string, schema: KeySchema, options: { readonly stream?: boolean } = {}): void {
    if (this.tables.has(name))
      throw new InMemoryServiceError("ResourceInUseException", `table ${name} exists`);
    const stream = options.stream ? new InMemoryTableStream(name, this.clock) : undefined;
    this.tables.set(name, { schema, items: new Map(), stream });
  }

  /** The key schema of a table. */
  keySchema(table: string): KeySchema {
    return this.table(table).schema;
  }

  /** The item with this key, if any. */
  get(table: string, key: AttributeMap): AttributeMap | undefined {
    const t = this.table(table);
    return t.items.get(this.keyId(t, key, table));
  }

  /** Every item, in key order. */
  scan(table: string): ReadonlyArray<AttributeMap> {
    const items = this.table(table).items;
    return [...items.keys()].sort().map((id) => items.get(id) as AttributeMap);
  }

  /** The table's stream (throws when the table has none). */
  stream(table: string): InMemoryTableStream {
    const stream = this.table(table).stream;
    if (stream === undefined)
      throw new InMemoryServiceError("ValidationException", `table ${table} has no stream`);
    return stream;
  }

  /** PutItem. Returns false when the condition fails. */
  put(table: string, item: AttributeMap, condition?: ItemCondition): boolean {
    return this.single("PutItem", {
      kind: "put",
      table,
      item,
      ...(condition ? { condition } : {}),
    });
  }

  /** DeleteItem. Returns false when the condition fails. */
  delete(table: string, key: AttributeMap, condition?: ItemCondition): boolean {
    return this.single("DeleteItem", {
      kind: "delete",
      table,
      key,
      ...(condition ? { condition } : {}),
    });
  }

  /** UpdateItem `ADD attribute :delta` (creates the item when absent). */
  add(table: string, key: AttributeMap, attribute: string, delta: string): boolean {
    return this.single("UpdateItem", { kind: "add", table, key, attribute, delta });
  }

  /**
   * TransactWriteItems: all actions or none. Throws `TransactionCanceledException` with one
   * reason per action when a condition fails, `ValidationException` when a limit is broken.
   */
  transactWrite(actions: ReadonlyArray<TransactAction>): void {
    this.injectFault("TransactWriteItems", actions[0]?.table ?? "");
    if (actions.length === 0 || actions.length > MAX_TRANSACT_ACTIONS)
      throw new InMemoryServiceError(
        "ValidationException",
        `a transaction takes 1 to ${MAX_TRANSACT_ACTIONS} actions, got ${actions.length}`,
      );
    const seen = new Set<string>();
    let bytes = 0;
    const prepared = actions.map((action) => {
      const t = this.table(action.table);
      const key = action.kind === "put" ? this.itemKey(t, action.item, action.table) : action.key;
      const id = `${action.table}\u0000${this.keyId(t, key, action.table)}`;
      if (seen.has(id))
        throw new InMemoryServiceError(
          "ValidationException",
          "Transaction request cannot include multiple operations on one item",
        );
      seen.add(id);
      bytes += itemSize(action.kind === "put" ? action.item : key);
      return { action, t, key };
    });
    if (bytes > MAX_TRANSACT_BYTES)
      throw new InMemoryServiceError(
        "ValidationException",
        `transaction of ${bytes} bytes exceeds 4 MB`,
      );
    const reasons = prepared.map(({ action, t, key }) =>
      action.condition === undefined ||
      action.condition(t.items.get(this.keyId(t, key, action.table)))
        ? "None"
        : "ConditionalCheckFailed",
    );
    if (reasons.some((reason) => reason !== "None"))
      throw new InMemoryServiceError(
        "TransactionCanceledException",
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.join(", ")}]`,
        reasons,
      );
    for (const { action, t, key } of prepared) this.apply(action, t, key);
  }

  /**
   * BatchWriteItem on one table: ≤ 25 requests, no two on one key. Returns the requests left
   * unprocessed (by an injected `"UnprocessedItems"` fault: every other request is left).
   */
  batchWrite(table: string, requests: ReadonlyArray<BatchRequest>): ReadonlyArray<BatchRequest> {
    const fault = this.fault?.("BatchWriteItem", table);
    if (fault !== undefined && fault !== "UnprocessedItems")
      throw new InMemoryServiceError(fault, `injected ${fault}`);
    if (requests.length === 0 || requests.length > MAX_BATCH_WRITE)
      throw new InMemoryServiceError(
        "ValidationException",
        `BatchWriteItem takes 1 to ${MAX_BATCH_WRITE} requests, got ${requests.length}`,
      );
    const t = this.table(table);
    const ids = new Set<string>();
    const actions = requests.map((request): TransactAction => {
      const key = "put" in request ? this.itemKey(t, request.put, table) : request.delete;
      const id = this.keyId(t, key, table);
      if (ids.has(id))
        throw new InMemoryServiceError(
          "ValidationException",
          "Provided list of item keys contains duplicates",
        );
      ids.add(id);
      return "put" in request
        ? { kind: "put", table, item: request.put }
        : { kind: "delete", table, key };
    });
    const unprocessed: BatchRequest[] = [];
    actions.forEach((action, index) => {
      const request = requests[index] as BatchRequest;
      if (fault === "UnprocessedItems" && index % 2 === 1) unprocessed.push(request);
      else
        this.apply(
          action,
          t,
          action.kind === "put" ? this.itemKey(t, action.item, table) : action.key,
        );
    });
    return unprocessed;
  }

  private single(operation: string, action: TransactAction): boolean {
    this.injectFault(operation, action.table);
    const t = this.table(action.table);
    const key = action.kind === "put" ? this.itemKey(t, action.item, action.table) : action.key;
    if (
      action.condition !== undefined &&
      !action.condition(t.items.get(this.keyId(t, key, action.table)))
    )
      return false;
    this.apply(action, t, key);
    return true;
  }

  private injectFault(operation: string, table: string): void {
    const fault = this.fault?.(operation, table);
    if (fault !== undefined)
      throw new InMemoryServiceError(fault, `injected ${fault} on ${operation}`);
  }

  private apply(action: TransactAction, t: Table, key: AttributeMap): void {
    const id = this.keyId(t, key, action.table);
    const old = t.items.get(id);
    let next: AttributeMap | undefined;
    if (action.kind === "check") return;
    if (action.kind === "put") next = normalizeItem(action.item);
    else if (action.kind === "delete") next = undefined;
    else {
      const current = old?.[action.attribute];
      if (current !== undefined && !("N" in current))
        throw new InMemoryServiceError(
          "ValidationException",
          `ADD on non-number attribute ${action.attribute}`,
        );
      const sum = addNumbers(current?.N ?? "0", action.delta);
      next = { ...(old ?? normalizeItem(key)), [action.attribute]: { N: sum } };
    }
    if (next !== undefined && itemSize(next) > MAX_ITEM_BYTES)
      throw new InMemoryServiceError(
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
      );
    if (next === undefined) t.items.delete(id);
    else t.items.set(id, next);
    if (old !== undefined || next !== undefined) t.stream?.append(normalizeItem(key), old, next);
  }

  private table(name: string): Table {
    const t = this.tables.get(name);
    if (t === undefined)
      throw new InMemoryServiceError(
        "ResourceNotFoundException",
        `Requested resource not found: table ${name}`,
      );
    return t;
  }

  private itemKey(t: Table, item: AttributeMap, table: string): AttributeMap {
    const key = keyOf(item, t.schema);
    if (key === undefined)
      throw new InMemoryServiceError(
        "ValidationException",
        `One or more parameter values were invalid: missing key attribute of table ${table}`,
      );
    return key;
  }

  private keyId(t: Table, key: AttributeMap, table: string): string {
    const names = Object.keys(key);
    const expected = t.schema.sortKey === undefined ? 1 : 2;
    const projected = keyOf(key, t.schema);
    if (projected === undefined || names.length !== expected)
      throw new InMemoryServiceError(
        "ValidationException",
        `The provided key element does not match the schema of table ${table}`,
      );
    for (const value of Object.values(projected)) {
      const valid =
        ("S" in value && value.S !== "") || "N" in value || ("B" in value && value.B !== "");
      if (!valid)
        throw new InMemoryServiceError(
          "ValidationException",
          `key attributes of table ${table} must be non-empty S, N or B`,
        );
    }
    return canonicalKey(normalizeItem(projected));
  }
}

export type { DynamoStreamRecord };
