import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import type { AttributeMap } from "../../domain/attributeValue.js";
import { unboundedDeadline } from "../../domain/deadline.js";
import type { WriteCommand } from "../../domain/writeCommand.js";
import type { TableWriter, WriteReport } from "../../ports/tableWriter.js";
import { deleteOf, putOf } from "../support/sqs.js";

/** A sequence-guarded writer under test, with a way to read and tamper with the replica. */
export interface SequenceGuardedFixture {
  readonly writer: TableWriter;
  /** The replica item with this key, if any. */
  readonly get: (key: AttributeMap) => Promise<AttributeMap | undefined>;
  /** Writes a replica item directly, bypassing the guard (to set up a test). */
  readonly seed: (item: AttributeMap) => Promise<void>;
}

/** The replica every fixture creates: partition key `pk` (S), sort key `sk` (N). */
export const guardedSchema = { partitionKey: "pk", sortKey: "sk" } as const;

const key = (pk: string, sk: number): AttributeMap => ({ pk: { S: pk }, sk: { N: String(sk) } });
const item = (pk: string, sk: number, extra: AttributeMap = {}): AttributeMap => ({
  ...key(pk, sk),
  ...extra,
});
const put = (pk: string, sk: number, seq: string, extra: AttributeMap = { v: { S: seq } }) =>
  putOf(item(pk, sk, extra), guardedSchema, `evt-${pk}-${sk}-${seq}`, seq);
const del = (pk: string, sk: number, seq: string) =>
  deleteOf(key(pk, sk), `evt-${pk}-${sk}-${seq}-del`, seq);

const USERS = "arn:aws:dynamodb:us-east-1:123456789012:table/users";
const OTHER = "arn:aws:dynamodb:us-east-1:123456789012:table/users-copy";
/** The command as streamToQueue sends it from `table`'s stream labelled `label`. */
const fromStream = <C extends WriteCommand>(
  command: C,
  table: string,
  label = "2026-01-10T08:00:00.000",
): C => ({ ...command, stream: `${table}/stream/${label}` });

const write = async (
  writer: TableWriter,
  commands: ReadonlyArray<WriteCommand>,
): Promise<WriteReport> => {
  const result = await writer.write(commands, unboundedDeadline)();
  if (E.isLeft(result)) throw new Error(`write failed: ${JSON.stringify(result.left)}`);
  return result.right;
};

/** Every order of `values`. */
const permutations = <A>(values: ReadonlyArray<A>): A[][] =>
  values.length <= 1
    ? [[...values]]
    : values.flatMap((first, i) =>
        permutations([...values.slice(0, i), ...values.slice(i + 1)]).map((rest) => [
          first,
          ...rest,
        ]),
      );

/**
 * The sequence-guarded TableWriter contract (standard queues: any arrival order, any number of
 * deliveries), run against every adapter (in memory now, DynamoDB Local later). `fixture()`
 * returns a fresh, empty replica keyed by {@link guardedSchema} and a fresh version table.
 */
export const sequenceGuardedTableWriterContract = (
  name: string,
  fixture: () => Promise<SequenceGuardedFixture>,
) =>
  describe(`sequence-guarded TableWriter contract: ${name}`, () => {
    it("reports the replica's key schema", async () => {
      const { writer } = await fixture();
      expect(await writer.keySchema()()).toEqual(E.right(guardedSchema));
    });

    it("lets the newest command win whatever the arrival order (9 < 10 numerically)", async () => {
      const { writer, get } = await fixture();
      const orders = permutations(["8", "9", "10"]);
      for (const [i, order] of orders.entries()) {
        let newest = 0;
        for (const seq of order) {
          const command = put("perm", i, seq);
          // Older than the applied one: done, reported stale.
          const stale = Number(seq) < newest;
          newest = Math.max(newest, Number(seq));
          expect(await write(writer, [command])).toEqual(
            stale ? { failed: [], stale: [command] } : { failed: [] },
          );
        }
      }
      for (let i = 0; i < orders.length; i++)
        expect(await get(key("perm", i))).toEqual(item("perm", i, { v: { S: "10" } }));
    });

    it("orders sequence numbers of different lengths numerically", async () => {
      const { writer, get } = await fixture();
      const newer = `1${"0".repeat(39)}`;
      const older = "9".repeat(39);
      await write(writer, [put("len", 1, newer)]);
      await write(writer, [put("len", 1, older)]);
      expect(await get(key("len", 1))).toEqual(item("len", 1, { v: { S: newer } }));
    });

    it("does not resurrect a deleted item with a stale put, nor delete with a stale delete", async () => {
      const { writer, get } = await fixture();
      for (const [command, stale] of [
        [put("d", 1, "5"), false],
        [del("d", 1, "7"), false],
        [put("d", 1, "6"), true],
        [put("d", 1, "5"), true],
      ] as const)
        expect(await write(writer, [command])).toEqual(
          stale ? { failed: [], stale: [command] } : { failed: [] },
        );
      expect(await get(key("d", 1))).toBeUndefined();
      await write(writer, [put("d", 2, "20")]);
      const staleDelete = del("d", 2, "15");
      expect(await write(writer, [staleDelete])).toEqual({ failed: [], stale: [staleDelete] });
      expect(await get(key("d", 2))).toEqual(item("d", 2, { v: { S: "20" } }));
    });

    it("treats a redelivered command as a no-op (it writes nothing)", async () => {
      const { writer, get, seed } = await fixture();
      const command = put("dup", 1, "30");
      expect(await write(writer, [command])).toEqual({ failed: [] });
      await seed(item("dup", 1, { tampered: { BOOL: true } }));
      expect(await write(writer, [command])).toEqual({ failed: [], stale: [command] });
      expect(await get(key("dup", 1))).toEqual(item("dup", 1, { tampered: { BOOL: true } }));
    });

    it("writes more commands than one transaction takes, dropping only the stale ones", async () => {
      const { writer, get } = await fixture();
      const n = 120;
      const first = Array.from({ length: n }, (_, i) => put("many", i, String(100 + i)));
      expect(await write(writer, first)).toEqual({ failed: [] });
      const second = Array.from({ length: n }, (_, i) =>
        i % 2 === 0
          ? put("many", i, "50")
          : i % 10 === 1
            ? del("many", i, "1000")
            : put("many", i, "1000"),
      );
      const report = await write(writer, second);
      expect(report.failed).toEqual([]);
      const older = second.filter((_, i) => i % 2 === 0);
      expect(report.stale).toHaveLength(older.length);
      expect(report.stale).toEqual(expect.arrayContaining(older));
      for (let i = 0; i < n; i++) {
        const expected =
          i % 2 === 0
            ? item("many", i, { v: { S: String(100 + i) } })
            : i % 10 === 1
              ? undefined
              : item("many", i, { v: { S: "1000" } });
        expect(await get(key("many", i))).toEqual(expected);
      }
    });

    it("applies the newer of two commands for one key in one call, in either order", async () => {
      const { writer, get } = await fixture();
      const report = await write(writer, [
        put("two", 1, "2"),
        put("two", 1, "1"),
        put("two", 2, "1"),
        del("two", 2, "2"),
      ]);
      // Key 1's older command comes second: stale. Key 2's comes first: applied, then deleted.
      expect(report).toEqual({ failed: [], stale: [put("two", 1, "1")] });
      expect(await get(key("two", 1))).toEqual(item("two", 1, { v: { S: "2" } }));
      expect(await get(key("two", 2))).toBeUndefined();
    });

    it("keeps exactly the command's attributes in replica items (no version attributes, no leftovers)", async () => {
      const { writer, get } = await fixture();
      await write(writer, [put("x", 1, "1", { a: { S: "a" }, b: { N: "1" } })]);
      await write(writer, [put("x", 1, "2", { c: { L: [{ NULL: true }] } })]);
      const stored = await get(key("x", 1));
      expect(stored).toEqual(item("x", 1, { c: { L: [{ NULL: true }] } }));
      expect(Object.keys(stored ?? {}).sort()).toEqual(["c", "pk", "sk"]);
    });

    it("writes commands without seq as they are", async () => {
      const { writer, get } = await fixture();
      await write(writer, [put("plain", 1, "99")]);
      const plain = putOf(item("plain", 1, { csv: { S: "row" } }), guardedSchema, "s3://b/k#2");
      expect(await write(writer, [plain, deleteOf(key("plain", 2), "s3://b/k#3")])).toEqual({
        failed: [],
      });
      expect(await get(key("plain", 1))).toEqual(item("plain", 1, { csv: { S: "row" } }));
    });

    it("isolates an invalid command: it fails as InvalidRecord naming its source, the rest land", async () => {
      const { writer, get } = await fixture();
      const bad: WriteCommand = {
        op: "put",
        key: { pk: { BOOL: true }, sk: { N: "1" } } as unknown as AttributeMap,
        item: { pk: { BOOL: true }, sk: { N: "1" } } as unknown as AttributeMap,
        source: "evt-bad",
        seq: "5",
      };
      const good = Array.from({ length: 60 }, (_, i) => put("g", i, String(i + 1)));
      const report = await write(writer, [...good.slice(0, 10), bad, ...good.slice(10)]);
      expect(report.failed).toEqual([
        {
          command: bad,
          error: expect.objectContaining({ _tag: "InvalidRecord", recordId: "evt-bad" }),
        },
      ]);
      for (let i = 0; i < 60; i++)
        expect(await get(key("g", i))).toEqual(item("g", i, { v: { S: String(i + 1) } }));
    });

    it("fails a sequence number too long to order as InvalidRecord", async () => {
      const { writer, get } = await fixture();
      const command = put("long", 1, "1".repeat(49));
      expect(await write(writer, [command])).toEqual({
        failed: [
          { command, error: expect.objectContaining({ _tag: "InvalidRecord", field: "seq" }) },
        ],
      });
      expect(await get(key("long", 1))).toBeUndefined();
    });

    it("orders a re-created source table's commands after the old stream's, whatever their sequence numbers (a later stream label is newer)", async () => {
      const { writer, get } = await fixture();
      const old = fromStream(put("re", 1, "900"), USERS, "2026-01-10T08:00:00.000");
      const recreated = fromStream(put("re", 1, "100"), USERS, "2026-03-02T09:30:00.000");
      const lateOld = fromStream(del("re", 1, "950"), USERS, "2026-01-10T08:00:00.000");
      expect(await write(writer, [old])).toEqual({ failed: [] });
      expect(await write(writer, [recreated])).toEqual({ failed: [] });
      expect(await write(writer, [lateOld])).toEqual({ failed: [], stale: [lateOld] });
      expect(await get(key("re", 1))).toEqual(item("re", 1, { v: { S: "100" } }));
    });

    it("refuses a second source table's command on a key the first one wrote: InvalidRecord (field stream) naming both tables; the item stays", async () => {
      const { writer, get } = await fixture();
      await write(writer, [fromStream(put("two-src", 1, "5"), USERS)]);
      const other = fromStream(put("two-src", 1, "9"), OTHER);
      const report = await write(writer, [other]);
      expect(report.failed).toEqual([
        {
          command: other,
          error: expect.objectContaining({
            _tag: "InvalidRecord",
            recordId: other.source,
            field: "stream",
            reason: expect.stringContaining(USERS),
          }),
        },
      ]);
      expect(report.failed[0]?.error).toMatchObject({ reason: expect.stringContaining(OTHER) });
      expect(await get(key("two-src", 1))).toEqual(item("two-src", 1, { v: { S: "5" } }));
      // A key only the other table writes is replicated.
      expect(await write(writer, [fromStream(put("two-src", 2, "9"), OTHER)])).toEqual({
        failed: [],
      });
    });

    it("orders a stream's command against a version written without a stream (a CSV row, an earlier version of this library) by sequence number, and the reverse", async () => {
      const { writer, get } = await fixture();
      await write(writer, [put("legacy", 1, "500")]);
      const older = fromStream(put("legacy", 1, "400"), USERS);
      expect(await write(writer, [older])).toEqual({ failed: [], stale: [older] });
      expect(await write(writer, [fromStream(put("legacy", 1, "600"), USERS)])).toEqual({
        failed: [],
      });
      const plainOlder = put("legacy", 1, "550");
      expect(await write(writer, [plainOlder])).toEqual({ failed: [], stale: [plainOlder] });
      expect(await get(key("legacy", 1))).toEqual(item("legacy", 1, { v: { S: "600" } }));
    });

    it("does nothing for no command", async () => {
      const { writer } = await fixture();
      expect(await write(writer, [])).toEqual({ failed: [] });
    });
  });
