/**
 * The benchmarks' shared, deterministic workload: a seeded PRNG, a Zipf draw over items, and
 * DynamoDB stream records of orders exactly as Lambda delivers them (every field of the event
 * record, so Powertools' strict schema accepts them too).
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { seededRandom } from "../adapters/localAws/faults/faultPlan.js";
import type { AttributeMap } from "../domain/attributeValue.js";

/**
 * Deterministic PRNG, so every contender sees the same workload: the library's seeded generator
 * (mulberry32), the one fault plans use.
 * @example const random = prng(42); random(); // 0 ≤ x < 1
 */
export const prng = seededRandom;

/**
 * A Zipf (s = 1) draw over `n` ranks: rank 0 is the most frequent.
 * @example const item = zipf(50, prng(1)); item(); // 0…49
 */
export const zipf = (n: number, random: () => number) => {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let r = random() * total;
    for (let i = 0; i < n; i++) {
      r -= weights[i] as number;
      if (r <= 0) return i;
    }
    return n - 1;
  };
};

/** Shape of the generated orders. */
export interface OrderWorkload {
  /** Distinct items, drawn with Zipf (default 50). */
  readonly items?: number;
  /** Distinct days (default 3). */
  readonly days?: number;
  /** Share of MODIFY and REMOVE records (default 0.3 and 0.1; the rest are INSERTs). */
  readonly modifyShare?: number;
  readonly removeShare?: number;
  readonly seed?: number;
}

/**
 * A realistic order image: the seed-002 attributes plus the kind of payload real orders carry
 * (a price, a nested customer map, a list of tags), 9 top-level attributes in all.
 */
const orderImage = (
  id: number,
  day: number,
  item: number,
  quantity: number,
  random: () => number,
): AttributeMap => ({
  order_id: { S: `order-${id}` },
  order_date: {
    S: `2026-11-${String(20 + day).padStart(2, "0")}T10:${String(id % 60).padStart(2, "0")}:00Z`,
  },
  item_id: { S: `item${item}` },
  quantity: { N: String(quantity) },
  price: { N: (1 + random() * 200).toFixed(2) },
  status: { S: random() < 0.5 ? "PLACED" : "SHIPPED" },
  customer: {
    M: {
      id: { S: `cust-${Math.floor(random() * 10_000)}` },
      tier: { S: random() < 0.2 ? "gold" : "standard" },
      country: { S: "ES" },
    },
  },
  tags: { L: [{ S: "web" }, { S: random() < 0.5 ? "promo" : "regular" }] },
  gift: { BOOL: random() < 0.1 },
});

/**
 * `count` stream records of orders (INSERT / MODIFY / REMOVE), with every field Lambda sends.
 * MODIFYs change the quantity and sometimes the day or item of a live order; REMOVEs delete one.
 * @example const records = orderStreamRecords(1000);
 */
export const orderStreamRecords = (count: number, shape: OrderWorkload = {}): DynamoDBRecord[] => {
  const random = prng(shape.seed ?? 42);
  const item = zipf(shape.items ?? 50, random);
  const days = shape.days ?? 3;
  const modifyShare = shape.modifyShare ?? 0.3;
  const removeShare = shape.removeShare ?? 0.1;
  const live = new Map<number, AttributeMap>();
  const records: DynamoDBRecord[] = [];
  let next = 0;
  const newOrder = (id: number) =>
    orderImage(id, Math.floor(random() * days), item(), 1 + Math.floor(random() * 20), random);
  while (records.length < count) {
    const roll = random();
    const ids = [...live.keys()];
    const pick = ids[Math.floor(random() * ids.length)];
    let eventName: "INSERT" | "MODIFY" | "REMOVE" = "INSERT";
    let id = next;
    let oldImage: AttributeMap | undefined;
    let newImage: AttributeMap | undefined;
    if (pick !== undefined && roll < removeShare) {
      eventName = "REMOVE";
      id = pick;
      oldImage = live.get(pick);
      live.delete(pick);
    } else if (pick !== undefined && roll < removeShare + modifyShare) {
      eventName = "MODIFY";
      id = pick;
      oldImage = live.get(pick);
      const moved = random() < 0.2 ? newOrder(pick) : undefined;
      newImage = {
        ...(moved ?? oldImage),
        quantity: { N: String(1 + Math.floor(random() * 20)) },
      };
      live.set(pick, newImage);
    } else {
      next++;
      newImage = newOrder(id);
      live.set(id, newImage);
    }
    const seq = `1${String((records.length + 1) * 100).padStart(20, "0")}`;
    records.push({
      eventID: `${(records.length + 1).toString(16).padStart(32, "0")}`,
      eventName,
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      dynamodb: {
        ApproximateCreationDateTime: 1_790_000_000 + records.length,
        Keys: { order_id: { S: `order-${id}` } },
        ...(newImage ? { NewImage: newImage as never } : {}),
        ...(oldImage ? { OldImage: oldImage as never } : {}),
        SequenceNumber: seq,
        SizeBytes: 300,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
      eventSourceARN:
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-20T00:00:00.000",
    });
  }
  return records;
};

/**
 * Cuts records into Lambda events of `size` records.
 * @example const events = batchesOf(records, 100);
 */
export const batchesOf = (
  records: ReadonlyArray<DynamoDBRecord>,
  size: number,
): DynamoDBStreamEvent[] => {
  const events: DynamoDBStreamEvent[] = [];
  for (let i = 0; i < records.length; i += size)
    events.push({ Records: records.slice(i, i + size) });
  return events;
};
