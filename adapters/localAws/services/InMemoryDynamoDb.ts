import {
  type AttributeMap,
  itemSize,
  type KeySchema,
  MAX_ITEM_BYTES,
} from "../../../domain/attributeValue.js";
import type { ItemUpdate } from "./dynamoDbExpressions.js";
import { type DynamoStreamRecord, InMemoryTableStream } from "./InMemoryTableStream.js";
import { checkedItem, itemKeyOf, type KeyTypes, keyIdOf, normalizeItem } from "./itemRules.js";
import { addUpdate, updatedItem } from "./itemUpdates.js";
import { type CancellationReason, InMemoryServiceError } from "./serviceError.js";

/** A condition on the current item (undefined when absent), like a ConditionExpression. */
export type ItemCondition = (existing: AttributeMap | undefined) => boolean;

/** One action of {@link InMemoryDynamoDb.transactWrite}. */
export type TransactAction =
  | {
      readonly kind: "put";
      readonly table: string;
      readonly item: AttributeMap;
      readonly condition?: ItemCondition;
      readonly returnOldOnFailure?: boolean;
    }
  | {
      readonly kind: "delete";
      readonly table: string;
      readonly key: AttributeMap;
      readonly condition?: ItemCondition;
      readonly returnOldOnFailure?: boolean;
    }
  | {
      readonly kind: "update";
      readonly table: string;
      readonly key: AttributeMap;
      readonly update: ItemUpdate;
      readonly condition?: ItemCondition;
      /** ReturnValuesOnConditionCheckFailure: ALL_OLD (the item is in the cancellation reason). */
      readonly returnOldOnFailure?: boolean;
    }
  | {
      readonly kind: "check";
      readonly table: string;
      readonly key: AttributeMap;
      readonly condition: ItemCondition;
      readonly returnOldOnFailure?: boolean;
    };

/** One request of {@link InMemoryDynamoDb.batchWrite}. */
export type BatchRequest = { readonly put: AttributeMap } | { readonly delete: AttributeMap };

interface Table {
  readonly schema: KeySchema;
  readonly keyTypes: KeyTypes | undefined;
  readonly items: Map<string, AttributeMap>;
  readonly stream: InMemoryTableStream | undefined;
}

interface Write {
  readonly t: Table;
  readonly id: string;
  readonly key: AttributeMap;
  readonly old: AttributeMap | undefined;
  readonly next: AttributeMap | undefined;
  readonly changes: boolean;
}

/** Hook for fault injection: return an exception name to throw it instead of running `operation`. */
export type DynamoFaultHook = (operation: string, table: string) => string | undefined;

const MAX_TRANSACT_ACTIONS = 100;
const MAX_TRANSACT_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_WRITE = 25;

/**
 * DynamoDB in memory, faithful where the pipelines depend on it: key schemas, conditional
 * writes, all-or-nothing transactions with DynamoDB's limits (100 actions, 4 MB, one action per
 * item), BatchWriteItem limits (25 requests, no duplicate keys), 400 KB items, values checked as
 * DynamoDB checks them (numbers, non-empty sets without duplicates, key types when declared),
 * numbers stored in canonical form, and a NEW_AND_OLD_IMAGES stream with increasing sequence
 * numbers. The TableWriter contract runs the same cases on it and on DynamoDB Local.
 *
 * @example
 * const db = new InMemoryDynamoDb();
 * db.createTable("orders", { partitionKey: "order_id" }, { stream: true });
 * db.put("orders", { order_id: { S: "1" }, quantity: { N: "10" } });
 */
export class InMemoryDynamoDb {
  private readonly tables = new Map<string, Table>();
  /** Requests per operation and write capacity units consumed, for cost measurements. */
  readonly usage = { requests: new Map<string, number>(), writeUnits: 0 };
  /** Set to inject faults (throttling, unprocessed items …) into the next operations. */
  fault: DynamoFaultHook | undefined;

  constructor(private readonly clock: () => number = () => 0) {}

  /**
   * Creates a table; `stream: true` enables a NEW_AND_OLD_IMAGES stream. `keyTypes` declares the
   * key attributes' types (AttributeDefinitions): keys of another type are then refused, as
   * DynamoDB refuses them; without it any S, N or B key is taken.
   */
  createTable(
    name: string,
    schema: KeySchema,
    options: { readonly stream?: boolean; readonly keyTypes?: KeyTypes } = {},
  ): void {
    if (this.tables.has(name))
      throw new InMemoryServiceError("ResourceInUseException", `table ${name} exists`);
    const stream = options.stream ? new InMemoryTableStream(name, this.clock) : undefined;
    this.tables.set(name, { schema, keyTypes: options.keyTypes, items: new Map(), stream });
  }

  /** The key schema of a table. */
  keySchema(table: string): KeySchema {
    return this.table(table).schema;
  }

  /** The key attributes' declared types (AttributeDefinitions), if the table declared them. */
  keyTypes(table: string): KeyTypes | undefined {
    return this.table(table).keyTypes;
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

  /** The stream with this ARN, if a table has it. */
  streamByArn(arn: string): InMemoryTableStream | undefined {
    return [...this.tables.values()].find((t) => t.stream?.arn === arn)?.stream;
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
    return this.single("UpdateItem", {
      kind: "update",
      table,
      key,
      update: addUpdate(attribute, delta),
    });
  }

  /**
   * UpdateItem with ADD, SET and REMOVE of top-level attributes (creates the item when absent),
   * under an optional condition. Returns whether it was applied and the item after it (or, when
   * the condition failed, the item as it is). A failed condition still consumes write units, as
   * in DynamoDB.
   */
  update(
    table: string,
    key: AttributeMap,
    update: ItemUpdate,
    condition?: ItemCondition,
  ): { readonly applied: boolean; readonly item: AttributeMap | undefined } {
    this.injectFault("UpdateItem", table);
    this.count("UpdateItem");
    const t = this.table(table);
    const id = this.keyId(t, key, table);
    const old = t.items.get(id);
    if (condition !== undefined && !condition(old)) {
      this.usage.writeUnits += Math.max(1, Math.ceil((old ? itemSize(old) : 0) / 1024));
      return { applied: false, item: old };
    }
    const item = updatedItem(old, key, update);
    this.commit({ t, id, key, old, next: item, changes: true }, 1);
    return { applied: true, item };
  }

  /**
   * TransactWriteItems: all actions or none. Throws `TransactionCanceledException` with one
   * reason per action when a condition fails (and, as `refusedItems`, the item each refused
   * condition found), `ValidationException` when a limit is broken.
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
    const reasons = prepared.map(({ action, t, key }): CancellationReason => {
      const old = t.items.get(this.keyId(t, key, action.table));
      if (action.condition === undefined || action.condition(old)) return "None";
      return action.returnOldOnFailure && old !== undefined
        ? { Code: "ConditionalCheckFailed", Item: old }
        : "ConditionalCheckFailed";
    });
    if (reasons.some((reason) => reason !== "None"))
      throw new InMemoryServiceError(
        "TransactionCanceledException",
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => (typeof r === "string" ? r : r.Code)).join(", ")}]`,
        reasons,
      );
    const writes = prepared.map(({ action, t, key }) => this.plan(action, t, key));
    this.count("TransactWriteItems");
    for (const write of writes) this.commit(write, 2);
  }

  /**
   * BatchWriteItem on one table: ≤ 25 requests, no two on one key. Returns the requests left
   * unprocessed (by an injected `"UnprocessedItems"` fault: every other request is left).
   */
  batchWrite(table: string, requests: ReadonlyArray<BatchRequest>): ReadonlyArray<BatchRequest> {
    const fault = this.fault?.("BatchWriteItem", table);
    this.count("BatchWriteItem");
    if (fault !== undefined && fault !== "UnprocessedItems")
      throw new InMemoryServiceError(fault, `injected ${fault}`);
    if (requests.length === 0 || requests.length > MAX_BATCH_WRITE)
      throw new InMemoryServiceError(
        "ValidationException",
        requests.length === 0
          ? "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"
          : "Too many items requested for the BatchWriteItem call",
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
    const writes = actions.map((action) =>
      this.plan(
        action,
        t,
        action.kind === "put" ? this.itemKey(t, action.item, table) : action.key,
      ),
    );
    const left = (index: number) => fault === "UnprocessedItems" && index % 2 === 1;
    writes.forEach((write, index) => {
      if (!left(index)) this.commit(write, 1);
    });
    return requests.filter((_, index) => left(index));
  }

  private single(operation: string, action: TransactAction): boolean {
    this.injectFault(operation, action.table);
    this.count(operation);
    const t = this.table(action.table);
    const key = action.kind === "put" ? this.itemKey(t, action.item, action.table) : action.key;
    if (
      action.condition !== undefined &&
      !action.condition(t.items.get(this.keyId(t, key, action.table)))
    )
      return false;
    this.commit(this.plan(action, t, key), 1);
    return true;
  }

  private injectFault(operation: string, table: string): void {
    const fault = this.fault?.(operation, table);
    if (fault !== undefined)
      throw new InMemoryServiceError(fault, `injected ${fault} on ${operation}`);
  }

  /** Computes the write an action makes, throwing ValidationException before anything changes. */
  private plan(action: TransactAction, t: Table, key: AttributeMap): Write {
    const id = this.keyId(t, key, action.table);
    const old = t.items.get(id);
    let next: AttributeMap | undefined = old;
    if (action.kind === "put") next = normalizeItem(checkedItem(action.item));
    else if (action.kind === "delete") next = undefined;
    else if (action.kind === "update") next = updatedItem(old, key, action.update);
    if (next !== undefined && itemSize(next) > MAX_ITEM_BYTES)
      throw new InMemoryServiceError(
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
      );
    return { t, id, key, old, next, changes: action.kind !== "check" };
  }

  private count(operation: string): void {
    this.usage.requests.set(operation, (this.usage.requests.get(operation) ?? 0) + 1);
  }

  /** Applies a planned write; charges write units as DynamoDB does (1 KB units of the larger image, ×2 in transactions). */
  private commit(write: Write, factor: 1 | 2): void {
    const bytes = Math.max(
      write.old ? itemSize(write.old) : 0,
      write.next ? itemSize(write.next) : 0,
    );
    this.usage.writeUnits += factor * Math.max(1, Math.ceil(bytes / 1024));
    if (!write.changes) return;
    if (write.next === undefined) write.t.items.delete(write.id);
    else write.t.items.set(write.id, write.next);
    if (write.old !== undefined || write.next !== undefined)
      write.t.stream?.append(normalizeItem(write.key), write.old, write.next);
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
    return itemKeyOf(t.schema, item, table);
  }

  private keyId(t: Table, key: AttributeMap, table: string): string {
    return keyIdOf(t.schema, key, table, t.keyTypes);
  }
}

export type { DynamoStreamRecord };
