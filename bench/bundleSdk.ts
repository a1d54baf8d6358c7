/**
 * Figure 6: the AWS SDK bundled into each Lambda bundle (what dist/lambda ships) or taken from
 * the runtime. Both variants are built with bin/bundleOptions.ts; "runtime SDK" marks `@aws-sdk/*`
 * and `@smithy/*` (the SDK's own dependencies, which the runtime's copy carries too) external.
 * Lambda's nodejs22.x image cannot run here, so the runtime's copy is stood in for by this
 * repository's node_modules: the bundles are written under dist/bench-sdk/, from where Node
 * resolves the external imports to node_modules/@aws-sdk/* — their CommonJS `main`, as the
 * runtime's /var/runtime/node_modules copy is loaded.
 *
 * - size: index.mjs bytes, and deflated (zip's method, level 9); source maps not counted;
 * - cold start: in a FRESH Node.js 22 process (the nodejs22.x binary from npm, bin/nodeRuntimes.ts),
 *   the time to import queueToTable's bundle and answer a first invocation (one SQS message →
 *   DescribeTable + BatchWriteItem on DynamoDB Local); medians over interleaved rounds
 *   (BENCH_SDK_ROUNDS, default 21), bundled as the ratio against the runtime SDK.
 *
 * Run alone: npx tsx bench/bundleSdk.ts
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateRawSync } from "node:zlib";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { build } from "esbuild";
import { bundleOptions, entryPoints } from "../bin/bundleOptions.js";
import { nodeBinary } from "../bin/nodeRuntimes.js";
import { javaMissing, startDynamoDbLocal } from "./dynamoDbLocal.js";
import { envInt, type FigureLine, type FigureResult, median, printFigure } from "./harness.js";

type Variant = "bundled" | "runtime";
const VARIANTS: ReadonlyArray<Variant> = ["bundled", "runtime"];
const EXTERNAL: Record<Variant, string[]> = { bundled: [], runtime: ["@aws-sdk/*", "@smithy/*"] };

const bundlePathOf = (variant: Variant, name: string): string =>
  join("dist", "bench-sdk", variant, name, "index.mjs");

/**
 * Builds one entry point in one variant; its bytes and deflated bytes.
 * @example const { bytes, deflated } = await buildVariant("runtime", "handlers/queueToTable.ts");
 */
export const buildVariant = async (
  variant: Variant,
  entry: string,
): Promise<{ readonly bytes: number; readonly deflated: number }> => {
  const outfile = bundlePathOf(variant, basename(entry, ".ts"));
  await build({
    ...bundleOptions,
    sourcesContent: false,
    external: EXTERNAL[variant],
    entryPoints: [entry],
    outfile,
  });
  const code = readFileSync(outfile);
  return { bytes: code.length, deflated: deflateRawSync(code, { level: 9 }).length };
};

/** Import + first invocation, in ms, inside one fresh process of `node`. */
const coldStartMs = (
  node: string,
  file: string,
  env: Readonly<Record<string, string>>,
  id: number,
): { readonly importMs: number; readonly totalMs: number } => {
  const url = pathToFileURL(resolve(file)).href;
  const event = {
    Records: [
      {
        messageId: `m-${id}`,
        receiptHandle: `r-${id}`,
        body: JSON.stringify({ pk: { S: `cold-${id}` }, n: { N: String(id) } }),
        attributes: { ApproximateReceiveCount: "1" },
        eventSource: "aws:sqs",
        // A FIFO queue: queueToTable refuses a standard one without VERSION_TABLE.
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:replica.fifo",
      },
    ],
  };
  const script = `const t0=process.hrtime.bigint();const {handler}=await import(${JSON.stringify(url)});const t1=process.hrtime.bigint();
const r=await handler(${JSON.stringify(event)},{functionName:"bench",awsRequestId:"b",getRemainingTimeInMillis:()=>60000});
const t2=process.hrtime.bigint();if(r.batchItemFailures.length!==0)throw new Error(JSON.stringify(r));
process.stdout.write(JSON.stringify([Number(t1-t0)/1e6,Number(t2-t0)/1e6]));`;
  const out = execFileSync(node, ["--input-type=module", "-e", script], { encoding: "utf8", env });
  // The handler's own lines (its metrics, in EMF) come first; the timings are the last line.
  const [importMs, totalMs] = JSON.parse(out.trim().split("\n").pop() ?? "") as [number, number];
  return { importMs, totalMs };
};

/**
 * Builds both variants of every entry point, compares their sizes, and their cold starts.
 * @example printFigure(await bundleSdkFigure());
 */
export const bundleSdkFigure = async (): Promise<FigureResult> => {
  const title = "6. AWS SDK bundled (dist/lambda) vs taken from the runtime";
  const lines: FigureLine[] = [];
  for (const entry of entryPoints()) {
    const name = basename(entry, ".ts");
    const bundled = await buildVariant("bundled", entry);
    const runtime = await buildVariant("runtime", entry);
    for (const [metric, key] of [
      ["size", "bytes"],
      ["size deflated", "deflated"],
    ] as const)
      lines.push({
        figure: "6",
        metric: `${name} ${metric}`,
        ours: bundled[key] / 1000,
        baseline: runtime[key] / 1000,
        baselineName: "runtime SDK",
        unit: "KB",
        ratio: bundled[key] / runtime[key],
      });
  }
  const missing = javaMissing();
  if (missing !== undefined) return { title, lines, notes: [], skipped: `cold start: ${missing}` };
  const node = await nodeBinary(22);
  const local = await startDynamoDbLocal();
  try {
    const table = `bench-sdk-${Date.now()}`;
    const common = { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } };
    await new DynamoDBClient({ ...common, endpoint: local.endpoint }).send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    const env = {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "x",
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      TABLE_NAME: table,
    };
    const rounds = envInt("BENCH_SDK_ROUNDS", 21);
    const times = { bundled: [] as number[], runtime: [] as number[] };
    const imports = { bundled: [] as number[], runtime: [] as number[] };
    let id = 0;
    for (let round = -2; round < rounds; round++)
      for (const variant of VARIANTS) {
        const t = coldStartMs(node, bundlePathOf(variant, "queueToTable"), env, id++);
        if (round < 0) continue; // warm-up: file cache, DynamoDB Local's JIT
        times[variant].push(t.totalMs);
        imports[variant].push(t.importMs);
      }
    for (const [metric, samples] of [
      ["queueToTable import", imports],
      ["queueToTable import + first invocation", times],
    ] as const) {
      const ours = median(samples.bundled);
      const base = median(samples.runtime);
      lines.push({
        figure: "6",
        metric,
        ours,
        baseline: base,
        baselineName: "runtime SDK",
        unit: "ms",
        ratio: ours / base,
      });
    }
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
    return {
      title,
      lines,
      notes: [
        `cold start: fresh node ${version} process per round, median of ${rounds} interleaved rounds after 2 warm-ups; first invocation = 1 SQS message → DescribeTable + BatchWriteItem on DynamoDB Local`,
        "runtime SDK = @aws-sdk/* and @smithy/* external, resolved from this repository's node_modules (CommonJS main) standing in for the nodejs22.x runtime's copy",
        "KB = 1,000 bytes; deflated = zlib raw deflate level 9 (zip's method); source maps not counted",
      ],
    };
  } finally {
    await local.stop();
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  printFigure(await bundleSdkFigure());
