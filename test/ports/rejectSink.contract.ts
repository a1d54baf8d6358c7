import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { invalidRecord } from "../../domain/errors.js";
import { decodeRejectDocument } from "../../domain/rejectDocument.js";
import type { RejectSink } from "../../ports/rejectSink.js";

/**
 * What the contract needs from a reject sink under test.
 * @example const { sink, stored, failing } = await setup();
 */
export interface RejectSinkFixture {
  /** A sink (entry point `contract`) on an existing, empty destination. */
  readonly sink: RejectSink;
  /** The document bodies the destination holds. */
  readonly stored: () => Promise<string[]>;
  /** A sink on a destination that does not exist. */
  readonly failing: RejectSink;
}

/**
 * The behaviour every durable reject sink shares: one document per record, decodable back to
 * the record as delivered; nothing stored is a left, never a silent success.
 * @example rejectSinkContract("SQS on moto", async () => fixture());
 */
export const rejectSinkContract = (name: string, setup: () => Promise<RejectSinkFixture>) =>
  describe(`RejectSink contract: ${name}`, () => {
    const records = Array.from({ length: 12 }, (_, i) => ({
      error: invalidRecord(`m-${i}`, "$", "not JSON"),
      identity: { messageId: `m-${i}` },
      original: { messageId: `m-${i}`, body: `{bad ${i}`, nested: { emoji: "🗑️", n: i } },
    }));

    it("stores one document per record (more than one SendMessageBatch), each decoding to its original", async () => {
      const f = await setup();
      expect(await f.sink.reject(records)()).toEqual(E.right(undefined));
      const documents = (await f.stored()).map((body) => {
        const decoded = decodeRejectDocument(body);
        if (E.isLeft(decoded)) throw new Error(decoded.left.reason);
        return decoded.right;
      });
      expect(
        documents
          .map((d) => ({ entryPoint: d.entryPoint, recordId: d.recordId, original: d.original }))
          .sort((a, b) => a.recordId.localeCompare(b.recordId, "en", { numeric: true })),
      ).toEqual(
        records.map((r) => ({
          entryPoint: "contract",
          recordId: r.error.recordId,
          original: r.original,
        })),
      );
    });

    it("stores nothing and succeeds for no records", async () => {
      const f = await setup();
      expect(await f.sink.reject([])()).toEqual(E.right(undefined));
      expect(await f.stored()).toEqual([]);
    });

    it("is a left when the destination does not exist", async () => {
      const f = await setup();
      const result = await f.failing.reject(records.slice(0, 1))();
      expect(E.isLeft(result)).toBe(true);
    });
  });
