import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { createTable, emulatorClients } from "../support/emulators.js";
import { emulatorEnv, runCliBinary } from "./runBinary.js";

/**
 * copy-table through the real binary on DynamoDB Local: seed 001's copy through a mapping
 * (renames, a cast, a nested path), an item the mapping cannot cast rejected (exit 1), and a
 * copy without a mapping.
 */

const { dynamodb } = emulatorClients();

const scanAll = async (table: string) =>
  ((await dynamodb.send(new ScanCommand({ TableName: table }))).Items ?? []).map((item) =>
    unmarshall(item),
  );

describe("copy-table on DynamoDB Local", () => {
  it("copies every item through the mapping and rejects the one it cannot cast", async () => {
    const source = (await createTable(dynamodb, "cli-pagos", { id: "S" })).name;
    const target = (await createTable(dynamodb, "cli-backup", { pago_id: "S" })).name;
    const items = Array.from({ length: 60 }, (_, i) => ({
      id: `p${i}`,
      monto: String(i * 10 + 0.5),
      cliente: { nombre: `c${i}` },
      extra: "dropped",
    }));
    items.push({ id: "bad", monto: "not a number", cliente: { nombre: "x" }, extra: "" });
    for (let i = 0; i < items.length; i += 25)
      await dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [source]: items
              .slice(i, i + 25)
              .map((item) => ({ PutRequest: { Item: marshall(item) } })),
          },
        }),
      );
    const dir = await mkdtemp(join(tmpdir(), "copy-table-"));
    const mapping = join(dir, "mapping.json");
    await writeFile(
      mapping,
      JSON.stringify([
        ["id", "string", "pago_id", "string"],
        ["monto", "string", "monto", "double"],
        ["cliente.nombre", "string", "nombre_cliente", "string"],
      ]),
    );
    const result = await runCliBinary(
      [
        "copy-table",
        "--source",
        source,
        "--target",
        target,
        "--mapping",
        mapping,
        "--json",
        "--segments",
        "3",
      ],
      emulatorEnv(),
    );
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as {
      read: number;
      written: number;
      rejected: string[];
    };
    expect(summary).toMatchObject({ read: 61, written: 60 });
    expect(summary.rejected).toHaveLength(1);
    expect(summary.rejected[0]).toContain("monto");
    const copied = await scanAll(target);
    expect(copied).toHaveLength(60);
    expect(copied).toEqual(
      expect.arrayContaining([{ pago_id: "p3", monto: 30.5, nombre_cliente: "c3" }]),
    );
  });

  it("copies items as they are without a mapping (exit 0)", async () => {
    const source = (await createTable(dynamodb, "cli-src", { k: "S", n: "N" })).name;
    const target = (await createTable(dynamodb, "cli-dst", { k: "S", n: "N" })).name;
    const items = [
      { k: "a", n: 1, tags: new Set(["x", "y"]), nested: { deep: [1, "two", null] } },
      { k: "a", n: 2, bin: new Uint8Array([1, 2, 3]) },
    ];
    await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: { [source]: items.map((item) => ({ PutRequest: { Item: marshall(item) } })) },
      }),
    );
    const result = await runCliBinary(
      ["copy-table", "--source", source, "--target", target],
      emulatorEnv(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("2 items read, 2 written, 0 rejected");
    expect(await scanAll(target)).toEqual(expect.arrayContaining(await scanAll(source)));
  });
});
