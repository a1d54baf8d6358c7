import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { type Deadline, unboundedDeadline } from "../../domain/deadline.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { deleteOf, putOf } from "../support/sqs.js";
import {
  contractItem as item,
  itemOfSize,
  contractKey as key,
  unorderedItem,
} from "../support/tableItems.js";

/**
 * A fault the fixture injects into the table's next BatchWriteItem calls.
 * @example fixture.inject("UnprocessedItems")
 */
export type TableFault =
  /** Every call is refused with this exception (throttling). */
  | "ProvisionedThroughputExceededException"
  /** Every call writes its even-numbered requests and returns the others as `UnprocessedItems`. */
  | "UnprocessedItems";

/**
 * A table writer under test, with a way to read items back and to inject faults.
 * @example const { writer, get } = await fixture();
 */
export interface TableWriterFixture {
  readonly writer: TableWriter;
  /** The item with this key, if any. */
  readonly get: (key: AttributeMap) => Promise<AttributeMap | undefined>;
  /** Writes an item directly (to set up a test). */
  readonly seed: (item: AttributeMap) => Promise<void>;
  /** A writer on a table that does not exist, and that table's name. */
  readonly missing: { readonly writer: TableWriter; readonly table: string };
  /** Sets the fault of the next BatchWriteItem calls on the table (undefined: none). */
  readonly inject: (fault: TableFault | undefined) => void;
  /** BatchWriteItem calls made on the table so far, faulted or not. */
  readonly batchCalls: () => number;
}

/**
 * The table every fixture creates: partition key `pk` (type S), sort key `sk` (type N).
 * @example db.createTable("replica", contractSchema, { keyTypes: contractKeyTypes })
 */
export const contractSchema = { partitionKey: "pk", sortKey: "sk" } as const;

/**
 * The attribute types of {@link contractSchema}'s key (its AttributeDefinitions).
 * @example await createTable(client, "replica", contractKeyTypes)
 */
export const contractKeyTypes = { pk: "S", sk: "N" } as const;

const write = async (
  writer: TableWriter,
  commands: ReadonlyArray<WriteCommand>,
  deadline: Deadline = unboundedDeadline,
): Promise<WriteReport> => {
  const result = await writer.write(commands, deadline)();
  if (E.isLeft(result)) throw new Error(`write failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

/**
 * The TableWriter contract, run against every adapter: in memory and DynamoDB Local.
 * `fixture()` returns a fresh, empty table keyed by {@link contractSchema}.
 * @example tableWriterContract("InMemoryTableWriter", async () => fixture);
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
        blobs: { BS: ["AQ==", "AA=="] },
        nested: { M: { l: { L: [{ B: "Zm9v" }, { NULL: true }, { BOOL: false }] } } },
        tags: { SS: ["y", "x"] },
        empty: { S: "" },
        none: { B: "" },
        list: { L: [] },
        map: { M: {} },
      });
      expect(await write(writer, [putOf(full, contractSchema, "e1")])).toEqual({ failed: [] });
      expect(unorderedItem(await get(key("a", 1)))).toEqual(unorderedItem(full));
    });

    it("stores numbers in canonical form, and equal numbers address the same key", async () => {
      const { writer, get } = await fixture();
      const numbers = ["1.50", "007.10", "1e3", "-0", "+5", ".5", "1E+125", "-1E-130", "0.00"];
      const stored = ["1.5", "7.1", "1000", "0", "5", "0.5", `1${"0".repeat(125)}`];
      const attributes = Object.fromEntries(numbers.map((n, i) => [`n${i}`, { N: n }]));
      const put = putOf(item("a", "1.0", attributes), contractSchema, "e1");
      expect(await write(writer, [put])).toEqual({ failed: [] });
      const got = await get(key("a", 1));
      expect(numbers.map((_, i) => got?.[`n${i}`])).toEqual([
        ...stored.map((N) => ({ N })),
        { N: `-0.${"0".repeat(129)}1` },
        { N: "0" },
      ]);
      expect(got?.sk).toEqual({ N: "1" });
      expect(await write(writer, [deleteOf(key("a", "1.00"), "e2")])).toEqual({ failed: [] });
      expect(await get(key("a", 1))).toBeUndefined();
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

    it("refuses, command by command, what DynamoDB refuses (ValidationException)", async () => {
      const { writer, get } = await fixture();
      const refused: ReadonlyArray<[string, WriteCommand]> = [
        [
          "39 digits",
          putOf(item("b", 1, { n: { N: `1${"2".repeat(38)}` } }), contractSchema, "b1"),
        ],
        ["overflow", putOf(item("b", 2, { n: { N: "1E126" } }), contractSchema, "b2")],
        ["underflow", putOf(item("b", 3, { n: { N: "1E-131" } }), contractSchema, "b3")],
        ["400 KB + 1", putOf(itemOfSize("b", 4, 409_601), contractSchema, "b4")],
        ["key type", putOf({ pk: { N: "5" }, sk: { N: "5" } }, contractSchema, "b5")],
        ["empty key", putOf(item("", 6), contractSchema, "b6")],
        ["empty set", putOf(item("b", 7, { s: { SS: [] } }), contractSchema, "b7")],
        ["same string twice", putOf(item("b", 8, { s: { SS: ["a", "a"] } }), contractSchema, "b8")],
        ["equal numbers", putOf(item("b", 9, { s: { NS: ["1", "1.0"] } }), contractSchema, "b9")],
        ["half a key", deleteOf({ pk: { S: "b" } }, "b10")],
        ["key plus more", deleteOf(item("b", 11, { x: { S: "y" } }), "b11")],
      ];
      const accepted = [
        putOf(itemOfSize("ok", 1, 409_600), contractSchema, "ok1"),
        putOf(item("ok", 2, { n: { N: `1${"0".repeat(40)}` } }), contractSchema, "ok2"),
        putOf(item("ok", 3, { n: { N: `0.${"0".repeat(40)}1` } }), contractSchema, "ok3"),
      ];
      const report = await write(writer, [...accepted, ...refused.map(([, command]) => command)]);
      expect(report.failed.map((f) => [f.command.source, f.error._tag])).toEqual(
        refused.map(([, command]) => [command.source, "InvalidRecord"]),
      );
      for (const failure of report.failed)
        expect(failure.error).toMatchObject({ recordId: failure.command.source });
      for (const command of accepted) expect(await get(command.key)).toBeDefined();
      expect(await get(key("b", 4))).toBeUndefined();
    });

    it("returns a Configuration error naming a table that does not exist", async () => {
      const { missing } = await fixture();
      const configuration = expect.objectContaining({
        _tag: "Configuration",
        resource: expect.stringContaining(missing.table),
      });
      const result = await missing.writer.write(
        [putOf(item("a", 1), contractSchema, "e1")],
        unboundedDeadline,
      )();
      expect(result).toEqual(E.left(configuration));
      expect(await missing.writer.keySchema()()).toEqual(E.left(configuration));
    });

    it("retries unprocessed items until every one is written", async () => {
      const { writer, get, inject, batchCalls } = await fixture();
      await writer.keySchema()();
      inject("UnprocessedItems");
      const commands = Array.from({ length: 25 }, (_, i) =>
        putOf(item("u", i), contractSchema, `e${i}`),
      );
      expect(await write(writer, commands)).toEqual({ failed: [] });
      expect(batchCalls()).toBeGreaterThan(1);
      inject(undefined);
      for (let i = 0; i < 25; i++) expect(await get(key("u", i))).toEqual(item("u", i));
    });

    it("reports items still unprocessed as Transient when the deadline leaves no time to retry", async () => {
      const { writer, get, inject } = await fixture();
      await writer.keySchema()();
      inject("UnprocessedItems");
      const commands = Array.from({ length: 4 }, (_, i) =>
        putOf(item("d", i), contractSchema, `e${i}`),
      );
      const report = await write(writer, commands, { remainingMs: () => 0 });
      inject(undefined);
      expect(report.failed.map((f) => [f.command.source, f.error._tag])).toEqual([
        ["e1", "Transient"],
        ["e3", "Transient"],
      ]);
      expect(await get(key("d", 0))).toEqual(item("d", 0));
      expect(await get(key("d", 1))).toBeUndefined();
      expect(await get(key("d", 2))).toEqual(item("d", 2));
    });

    it("reports a throttled batch as Transient once the retries run out, writing nothing", async () => {
      const { writer, get, inject, batchCalls } = await fixture();
      await writer.keySchema()();
      inject("ProvisionedThroughputExceededException");
      const report = await write(writer, [putOf(item("t", 1), contractSchema, "e1")]);
      inject(undefined);
      expect(report.failed).toEqual([
        {
          command: expect.objectContaining({ source: "e1" }),
          error: expect.objectContaining({ _tag: "Transient" }),
        },
      ]);
      expect(batchCalls()).toBeGreaterThan(1);
      expect(await get(key("t", 1))).toBeUndefined();
    });

    it("does nothing for no command", async () => {
      const { writer, batchCalls } = await fixture();
      expect(await write(writer, [])).toEqual({ failed: [] });
      expect(batchCalls()).toBe(0);
    });
  });
