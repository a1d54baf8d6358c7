import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { csvBody, csvSchema } from "../../bin/scenarioData.js";
import { createTable, emulatorClients, uniqueName } from "../support/emulators.js";
import { CLI_ENTRY, emulatorEnv, runCliBinary, TSX_LOADER } from "./runBinary.js";

/**
 * load-csv through the real binary on DynamoDB Local and moto S3: seed 004's file into a
 * campo1/campo2 table (every valid row written with its types, the bad ones reported by line
 * and field), re-runs, S3 objects, and a resume after Ctrl-C that writes nothing done before.
 */

const { dynamodb, s3 } = emulatorClients();

const scanAll = async (client: DynamoDBClient, table: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start !== undefined);
  return items;
};

const SEED_ITEMS = [
  { campo1: "a1", campo2: "b1", campo3: 10, campo4: true },
  { campo1: "a2", campo2: "b2, with a comma", campo3: 20.5, campo4: false },
  { campo1: "a5", campo2: 'b5 "quoted"', campo3: 50, campo4: true },
];

describe("load-csv on DynamoDB Local", () => {
  let dir: string;
  let table: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "load-csv-"));
    table = (await createTable(dynamodb, "cli-csv", { campo1: "S", campo2: "S" })).name;
    await writeFile(join(dir, "ejemplo.csv"), csvBody);
    await writeFile(join(dir, "schema.json"), JSON.stringify({ columns: csvSchema.columns }));
  });

  it("writes seed 004's valid rows, reports the bad ones (exit 1), and re-runs idempotently", async () => {
    const args = ["load-csv", "ejemplo.csv", "--table", table, "--schema", "schema.json"];
    const first = await runCliBinary(args, emulatorEnv(), dir);
    expect(first.stderr).not.toContain("load-csv:");
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("3 rows written, 2 rejected (ejemplo.csv.rejects.csv)");
    expect(await scanAll(dynamodb, table)).toEqual(expect.arrayContaining(SEED_ITEMS));
    expect(await scanAll(dynamodb, table)).toHaveLength(3);
    const report = (await readFile(join(dir, "ejemplo.csv.rejects.csv"), "utf8")).split("\n");
    expect(report[0]).toBe("line,field,reason");
    expect(report[1]).toMatch(/^4,campo3,/);
    expect(report[2]).toMatch(/^5,\$,/);
    expect(report).toHaveLength(4);
    expect(existsSync(join(dir, "ejemplo.csv.checkpoint.json"))).toBe(false);

    const again = await runCliBinary([...args, "--json"], emulatorEnv(), dir);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 3, rejected: 2, skipped: 0 });
    expect(await scanAll(dynamodb, table)).toHaveLength(3);
    expect(await scanAll(dynamodb, table)).toEqual(expect.arrayContaining(SEED_ITEMS));
  });

  it("reads an s3:// object", async () => {
    const bucket = uniqueName("cli-csv");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "in/ejemplo.csv", Body: csvBody }));
    const result = await runCliBinary(
      ["load-csv", `s3://${bucket}/in/ejemplo.csv`, "--table", table, "--schema", "schema.json"],
      emulatorEnv(),
      dir,
    );
    expect(result.code).toBe(1);
    expect(await scanAll(dynamodb, table)).toEqual(expect.arrayContaining(SEED_ITEMS));
  });

  it("refuses a schema keyed otherwise than the table, and a missing table (exit 2)", async () => {
    await writeFile(join(dir, "other.json"), JSON.stringify({ key: { partitionKey: "campo3" } }));
    const other = await runCliBinary(
      ["load-csv", "ejemplo.csv", "--table", table, "--schema", "other.json"],
      emulatorEnv(),
      dir,
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("is not the table's key");
    const missing = await runCliBinary(
      ["load-csv", "ejemplo.csv", "--table", "nope"],
      emulatorEnv(),
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("table nope");
  });

  it("resumes after Ctrl-C from the checkpoint without rewriting the rows done", async () => {
    const rows = 20_000;
    const lines = ["campo1,campo2,n"];
    for (let i = 1; i <= rows; i++) lines.push(`k${i},s,${i}`);
    await writeFile(join(dir, "big.csv"), `${lines.join("\n")}\n`);
    const args = ["load-csv", "big.csv", "--table", table, "--concurrency", "1", "--json"];
    const child = spawn(process.execPath, ["--import", TSX_LOADER, CLI_ENTRY, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...emulatorEnv() },
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    const checkpoint = join(dir, "big.csv.checkpoint.json");
    while (!existsSync(checkpoint)) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    const stopped = JSON.parse(stdout) as { written: number; lastLine: number; stopped: boolean };
    expect(stopped.stopped).toBe(true);
    const done = (JSON.parse(await readFile(checkpoint, "utf8")) as { line: number }).line;
    expect(done).toBe(stopped.lastLine);
    expect(done).toBeLessThan(rows + 1);
    // Everything up to the checkpoint is written, nothing after it.
    expect(await scanAll(dynamodb, table)).toHaveLength(done - 1);
    // Mark the first and the last row done: a rewrite would drop the mark.
    for (const line of [2, done])
      await dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: marshall({ campo1: `k${line - 1}`, campo2: "s", n: String(line - 1), mark: 1 }),
        }),
      );

    const resumed = await runCliBinary(args, emulatorEnv(), dir);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      written: rows - (done - 1),
      skipped: done - 1,
      rejected: 0,
      stopped: false,
    });
    expect(resumed.stderr).toContain(`resuming after line ${done}`);
    expect(await scanAll(dynamodb, table)).toHaveLength(rows);
    for (const line of [2, done]) {
      const { Item } = await dynamodb.send(
        new GetItemCommand({
          TableName: table,
          Key: marshall({ campo1: `k${line - 1}`, campo2: "s" }),
        }),
      );
      expect(Item?.mark).toEqual({ N: "1" });
    }
    expect(existsSync(checkpoint)).toBe(false);
  }, 120_000);
});
