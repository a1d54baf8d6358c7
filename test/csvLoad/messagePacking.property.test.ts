import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import * as TE from "fp-ts/lib/TaskEither.js";
import { describe, expect, it } from "vitest";
import { unboundedDeadline } from "../../domain/deadline.js";
import { jsonBytesBound } from "../../domain/jsonBytesBound.js";
import { commandBytesBound, encodeMessageBody } from "../../domain/messageBody.js";
import type { OutgoingMessage } from "../../domain/outgoingMessage.js";
import type { PutCommand } from "../../domain/writeCommand.js";
import type { MessageQueue } from "../../ports/messageQueue.js";
import { loadCsvObject } from "../../ports/useCases/loadCsvObject.js";
import { csvText } from "./csvRig.js";

/** Every UTF-16 unit, lone surrogates and control characters included. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
});
const ENVELOPE = Buffer.byteLength(encodeMessageBody([]));

describe("size bounds used to pack messages", () => {
  it("jsonBytesBound is never below the UTF-8 size of JSON.stringify", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), anyText, fc.array(anyText)), (value) => {
        expect(jsonBytesBound(value)).toBeGreaterThanOrEqual(
          Buffer.byteLength(JSON.stringify(value)),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("commandBytesBound is never below what a command adds to a body", () => {
    const command = fc.record({
      op: fc.constant("put" as const),
      key: fc.dictionary(
        anyText,
        anyText.map((S) => ({ S })),
      ),
      item: fc.dictionary(
        anyText,
        anyText.map((S) => ({ S })),
      ),
      source: anyText,
      seq: fc.stringMatching(/^\d{1,20}$/),
    });
    fc.assert(
      fc.property(command, (c: PutCommand) => {
        const added = Buffer.byteLength(encodeMessageBody([c])) - ENVELOPE;
        expect(commandBytesBound(c)).toBeGreaterThanOrEqual(added);
      }),
      { numRuns: 300 },
    );
  });
});

describe("loadCsvObject packing", () => {
  it("keeps every body within maxMessageBytes (a single larger row goes alone) and every row in order", async () => {
    const rows = fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), anyText), {
      minLength: 1,
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 60, max: 2000 }),
        async (cells, rowsPerMessage, maxMessageBytes) => {
          const text = csvText([["id", "v"], ...cells.map(([id, v], i) => [`${i}${id}`, v])]);
          const sent: OutgoingMessage[] = [];
          const queue: MessageQueue = {
            fifo: false,
            send: (messages) => async () => {
              sent.push(...messages);
              return E.right({ failed: [] });
            },
          };
          const bytes = new TextEncoder().encode(text);
          const stats = await loadCsvObject(
            { bucket: "b", key: "k.csv" },
            {
              objects: {
                open: () => async () =>
                  E.right({
                    etag: '"e"',
                    body: (async function* () {
                      yield bytes;
                    })(),
                  }),
              },
              queue,
              rejects: { reject: () => TE.right(undefined) },
              rowsPerMessage,
              maxMessageBytes,
            },
            unboundedDeadline,
          );
          const bodies = sent.map((m) => JSON.parse(m.body) as { commands: { source: string }[] });
          sent.forEach((message, i) => {
            const count = bodies[i]?.commands.length ?? 0;
            expect(count).toBeLessThanOrEqual(rowsPerMessage);
            if (count > 1)
              expect(Buffer.byteLength(message.body)).toBeLessThanOrEqual(maxMessageBytes);
          });
          const sources = bodies.flatMap((b) => b.commands.map((c) => c.source));
          expect(sources).toHaveLength(stats.rows);
          expect(sources).toEqual(
            [...sources].sort((a, b) => Number(a.split("#L")[1]) - Number(b.split("#L")[1])),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
