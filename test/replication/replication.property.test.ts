import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AttributeMap, AttributeValue } from "../../domain/attributeValue.js";
import {
  replicationPipeline,
  seededRandom,
  sqsEvent,
  sqsRecord,
  testContext,
} from "../support/sqs.js";

type Op =
  | { readonly kind: "put"; readonly pk: string; readonly sk: number; readonly attrs: AttributeMap }
  | { readonly kind: "delete"; readonly pk: string; readonly sk: number };

const number38 = fc
  .bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n })
  .map((n) => ({ N: n.toString() }));
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 17 }))
  .map(([digits, scale]) => {
    const text = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, "0");
    const sign = digits < 0n ? "-" : "";
    return {
      N: scale === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -scale)}.${text.slice(-scale)}`,
    };
  });
const binary = fc
  .uint8Array({ maxLength: 16 })
  .map((bytes) => ({ B: Buffer.from(bytes).toString("base64") }));
const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
  number38,
  decimal,
  binary,
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => ({ S: s })),
  fc.boolean().map((b) => ({ BOOL: b })),
  fc.constant({ NULL: true as const }),
);
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((l) => ({ L: l })) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom("x", "y", "__proto__"), scalar).map((m) => ({ M: m })),
  },
);
const attrs = fc.dictionary(fc.constantFrom("a", "b", "c"), value, { maxKeys: 3 });
const pk = fc.constantFrom("p", "q", "r");
const sk = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("put" as const), pk, sk, attrs }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), pk, sk }) },
);

const apply = (db: ReturnType<typeof replicationPipeline>["db"], o: Op) => {
  const key = { pk: { S: o.pk }, sk: { N: String(o.sk) } };
  if (o.kind === "put") db.put("source", { ...o.attrs, ...key });
  else db.delete("source", key);
};

describe("replication converges under at-least-once delivery", () => {
  it("FIFO: random batches, failed sends and writes, redeliveries ⇒ replica equals source", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 8, maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 10 })),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (segments, streamBatchSize, queueBatchSize, seed) => {
          const pipeline = replicationPipeline({ fifo: true, streamBatchSize, queueBatchSize });
          const random = seededRandom(seed);
          // Sends fail in streaks: for up to 16 calls, every message of one partition key is
          // refused (so retries inside the adapter do not always hide it and the stream is retried).
          let streak = 0;
          let victim = "p";
          pipeline.sqs.fault = (operation) => {
            if (operation !== "SendMessageBatch") return undefined;
            if (streak === 0 && random() < 0.2) {
              streak = 1 + Math.floor(random() * 16);
              victim = ["p", "q", "r"][Math.floor(random() * 3)] ?? "p";
            }
            if (streak === 0) return undefined;
            streak -= 1;
            return {
              failEntry: (entry) =>
                entry.body.includes(`"pk":{"S":"${victim}"}`)
                  ? { code: "InternalError", senderFault: false }
                  : undefined,
            };
          };
          let failing = false;
          pipeline.db.fault = (operation, table) =>
            failing && table === "replica" && operation === "BatchWriteItem"
              ? "ThrottlingException"
              : undefined;
          for (const segment of segments) {
            for (const o of segment) apply(pipeline.db, o);
            await pipeline.pumpStream();
            failing = random() < 0.5;
            await pipeline.pumpQueue(1 + Math.floor(random() * 4));
          }
          failing = false;
          const last = await pipeline.pumpQueue();
          expect(last.drained).toBe(true);
          expect(pipeline.db.scan("replica")).toEqual(pipeline.db.scan("source"));
          expect(pipeline.rejects.records).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("standard: random batches, shuffled and duplicated within a batch, batches redelivered ⇒ replica equals source", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (ops, seed) => {
          const pipeline = replicationPipeline({ fifo: false });
          const random = seededRandom(seed);
          for (const o of ops) apply(pipeline.db, o);
          await pipeline.pumpStream();
          const sent = pipeline.sqs.peek(pipeline.queueName);
          expect(sent).toHaveLength(pipeline.db.stream("source").all().length);
          let start = 0;
          while (start < sent.length) {
            const size = 1 + Math.floor(random() * 10);
            const batch = sent.slice(start, start + size);
            start += size;
            const delivered = [...batch];
            for (const message of batch) if (random() < 0.3) delivered.push(message);
            for (let i = delivered.length - 1; i > 0; i--) {
              const j = Math.floor(random() * (i + 1));
              [delivered[i], delivered[j]] = [
                delivered[j] as (typeof delivered)[number],
                delivered[i] as (typeof delivered)[number],
              ];
            }
            const event = sqsEvent(
              ...delivered.map((m) => sqsRecord(m.body, { messageId: m.messageId })),
            );
            const times = random() < 0.2 ? 2 : 1;
            for (let t = 0; t < times; t++) {
              const response = await pipeline.queueHandler(event, testContext());
              expect(response).toEqual({ batchItemFailures: [] });
            }
          }
          expect(pipeline.db.scan("replica")).toEqual(pipeline.db.scan("source"));
        },
      ),
      { numRuns: 100 },
    );
  });
});
