/**
 * Peak RSS of `dynamodb-pipelines load-csv` on a large generated CSV, loaded into DynamoDB Local:
 * the CLI streams (bounded buffers), so its peak memory must not grow with the file.
 *
 *   npx tsx bench/loadCsvMemory.ts [--mb 200] [--row-bytes 2000] [--keys 5000] [--concurrency 4]
 *     [--heap-mb 48] [--node-options=<flags>]
 *
 * The file has `--mb` megabytes of rows of about `--row-bytes` bytes; keys cycle over `--keys`
 * values so DynamoDB Local stores a bounded table while every row is still read, converted and
 * written (BatchWriteItem) by the CLI. The CLI is compiled first (the tsc step of
 * `npm run build`, into dist/) and runs as the package's `bin` does, `node
 * dist/handlers/cli/main.js`, under `/usr/bin/time`, whose maximum resident set size is the
 * figure, and whose user + system time is the CLI's CPU (steadier than wall time on a shared
 * machine). Without `--heap-mb`/`--node-options` the binary bounds its own heap (it runs the
 * command in a worker thread, handlers/cli/boundedHeap.ts); with either it runs in the main
 * thread under those flags (`--node-options=--max-old-space-size=4096`: V8's defaults, as
 * before the bound). The last line says PASS or FAIL against issue 12's goal, < 150 MB for a
 * 1 GB CSV (`--mb 1024`). (Through the tsx loader the same process starts at ≈ 105 MB before
 * reading a byte.)
 */
import { execFile, execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { startDynamoDbLocal } from "./dynamoDbLocal.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
/** Issue 12's goal: a 1 GB CSV loads with peak RSS under 150 MB. */
const GOAL_RSS_MB = 150;

/**
 * Writes a CSV of about `megabytes` MB: header `id,part,n,payload`, `id` cycling over `keys`.
 * @example const rows = await generateCsv("/tmp/big.csv", 200, 2000, 5000);
 */
export const generateCsv = async (
  path: string,
  megabytes: number,
  rowBytes: number,
  keys: number,
): Promise<number> => {
  const out = createWriteStream(path);
  const payload = "x".repeat(Math.max(1, rowBytes - 40));
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let rows = 0;
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r()));
  await write("id,part,n,payload\n");
  while (written < target) {
    const line = `k${rows % keys},p,${rows},"${payload}"\n`;
    written += line.length;
    rows++;
    await write(line);
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return rows;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      mb: { type: "string", default: "200" },
      "row-bytes": { type: "string", default: "2000" },
      keys: { type: "string", default: "5000" },
      concurrency: { type: "string", default: "4" },
      /** Caps the CLI's V8 heap (`--max-old-space-size`), to tell lazy GC from retained memory. */
      "heap-mb": { type: "string" },
      /** Any NODE_OPTIONS for the CLI (`--max-semi-space-size=4` …). */
      "node-options": { type: "string" },
    },
  });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: REPO,
    stdio: "inherit",
  });
  const dir = await mkdtemp(join(tmpdir(), "load-csv-memory-"));
  const file = join(dir, "big.csv");
  const rows = await generateCsv(
    file,
    Number(values.mb),
    Number(values["row-bytes"]),
    Number(values.keys),
  );
  const bytes = (await stat(file)).size;
  const local = await startDynamoDbLocal();
  try {
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      NODE_OPTIONS: [
        ...(values["heap-mb"] === undefined ? [] : [`--max-old-space-size=${values["heap-mb"]}`]),
        ...(values["node-options"] === undefined ? [] : [values["node-options"]]),
      ].join(" "),
    };
    const client = new DynamoDBClient({
      region: env.AWS_REGION,
      endpoint: local.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await client.send(
      new CreateTableCommand({
        TableName: "big",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    const started = Date.now();
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>(
      (resolve, reject) =>
        execFile(
          "/usr/bin/time",
          [
            "-f",
            "maxrss_kb=%M cpu_s=%U+%S",
            process.execPath,
            join(REPO, "dist/handlers/cli/main.js"),
            "load-csv",
            file,
            "--table",
            "big",
            "--json",
            "--report",
            join(dir, "rejects.csv"),
            "--checkpoint",
            join(dir, "checkpoint.json"),
            "--concurrency",
            values.concurrency,
          ],
          { env, maxBuffer: 16 * 1024 * 1024 },
          (error, out, err) =>
            error && error.code !== 1
              ? reject(new Error(err))
              : resolve({ stdout: out, stderr: err }),
        ),
    );
    const seconds = (Date.now() - started) / 1000;
    const maxRssKb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
    const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(stderr);
    /** The CLI's own CPU time (user + system): steadier than wall time on a shared machine. */
    const cpuSeconds = Number(cpu?.[1] ?? Number.NaN) + Number(cpu?.[2] ?? Number.NaN);
    const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { written?: number };
    console.log(
      JSON.stringify({
        fileMB: +(bytes / 1024 / 1024).toFixed(1),
        rows,
        written: summary.written,
        seconds: +seconds.toFixed(1),
        rowsPerSecond: Math.round(rows / seconds),
        cliCpuSeconds: +cpuSeconds.toFixed(1),
        rowsPerCliCpuSecond: Math.round(rows / cpuSeconds),
        peakRssMB: +(maxRssKb / 1024).toFixed(1),
      }),
    );
    const peak = maxRssKb / 1024;
    console.log(
      `peak RSS ${peak.toFixed(1)} MB for a ${(bytes / 1024 / 1024).toFixed(0)} MB CSV vs goal < ${GOAL_RSS_MB} MB: ${peak < GOAL_RSS_MB ? "PASS" : "FAIL"}${bytes < 1024 * 1024 * 1024 ? " (the goal is for a 1 GB file: --mb 1024)" : ""}`,
    );
  } finally {
    await local.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
