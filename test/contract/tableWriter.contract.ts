import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { deleteOf, putOf } from "../helpers/sqs.js";

/** A table writer under test, with a way to read items back. */
export interface TableWriterFixture {
  readonly writer: TableWriter;
  /** The item with this key, if any. */
  readonly get: (key: AttributeMap) => Promise<AttributeMap | undefined>;
  /** Writes an item directly (to set up a test). */
  readonly seed: (item: AttributeMap) => Promise<void>;
}

/** The table every fixture creates: partition key `pk` (S), sort key `sk` (N). */
export const contractSchema = { partitionKey: "pk", sortKey: "sk" } as const;

const key = (pk: string, sk: number): AttributeMap => ({ pk: { S: pk }, sk: { N: String(sk) } });
const item = (pk: string, sk: number, extra: AttributeMap = {}): AttributeMap => ({
  ...key(pk, sk),
  ...extra,
});

const write = async (
  writer: TableWriter,
  commands: ReadonlyArray<WriteCommand>,
): Promise<WriteReport> => {
  const result = await writer.write(commands, unboundedDeadline)();
  if (E.isLeft(result)) throw new Error(`write failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

/**
 * The TableWriter contract, run against every adapter (in memory now, DynamoDB on an emulator
 * later). `fixture()` returns a fresh, empty table keyed by {@link contractSchema}.
 */
export const tableWriterContract = (name: string, fixture: () => Promise<TableWriterFixture>) =>
  describe(`TableWriter contract: ${name}`, () => {
    it("reports the table's key schema", async () => {
      const { writer } = await fixture();
      expect(await writer.keySchema()()).toEqual(E.right(contractSchema));
    });

    it("puts items, keeping every digit of numbers and every byte of binaries", async () => {
      const { writer, get } = await fixture();
      const full = item("a", 1, {
        big: { N: "12345678901234567890123456789012345678" },
        tiny: { N: "-0.000000000000000000000000000000000001" },
        blob: { B: "AAEC/f7/" },
        blobs: { BS: ["AA==", "AQ=="] },
        nested: { M: { l: { L: [{ B: "Zm9v" }, { NULL: true }, { BOOL: false }] } } },
        tags: { SS: ["x", "y"] },
      });
      expect(await write(writer, [putOf(full, contractSchema, "e1")])).toEqual({ failed: [] });
      expect(await get(key("a", 1))).toEqual(full);
    });

    it("replaces a whole item on put and removes it on delete", async () => {
      const { writer, get, seed } = await fixture();
      await seed(item("a", 1, { old: { S: "gone" } }));
      await seed(item("b", 2));
      const report = await write(writer, [
        putOf(item("a", 1, { fresh: { S: "new" } }), contractSchema, "e1"),
        deleteOf(key("b", 2), "e2"),
        deleteOf(key("never", 3), "e3"),
      ]);
      expect(report).toEqual({ failed: [] });
      expect(await get(key("a", 1))).toEqual(item("a", 1, { fresh: { S: "new" } }));
      expect(await get(key("b", 2))).toBeUndefined();
    });

    it("writes more commands than one BatchWriteItem takes", async () => {
      const { writer, get } = await fixture();
      const commands = Array.from({ length: 60 }, (_, i) =>
        putOf(item("p", i, { i: { N: String(i) } }), contractSchema, `e${i}`),
      );
      expect(await write(writer, commands)).toEqual({ failed: [] });
      for (const i of [0, 24, 25, 49, 50, 59])
        expect(await get(key("p", i))).toEqual(item("p", i, { i: { N: String(i) } }));
    });

    it("isolates an invalid command: it fails as InvalidRecord naming its source, the rest land", async () => {
      const { writer, get } = await fixture();
      const bad: WriteCommand = {
        op: "put",
        key: { pk: { BOOL: true }, sk: { N: "1" } } as unknown as AttributeMap,
        item: { pk: { BOOL: true }, sk: { N: "1" } } as unknown as AttributeMap,
        source: "evt-bad",
      };
      const good = Array.from({ length: 30 }, (_, i) =>
        putOf(item("g", i), contractSchema, `e${i}`),
      );
      const report = await write(writer, [...good.slice(0, 10), bad, ...good.slice(10)]);
      expect(report.failed).toEqual([
        {
          command: bad,
          error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "evt-bad" }),
        },
      ]);
      for (let i = 0; i < 30; i++) expect(await get(key("g", i))).toEqual(item("g", i));
    });

    it("does nothing for no command", async () => {
      const { writer } = await fixture();
      expect(await write(writer, [])).toEqual({ failed: [] });
    });
  });
