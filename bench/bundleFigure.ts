/**
 * Figure 4: bundle size of every entry point (goal ≤ 430 KB) and module load time against the
 * Powertools batch + parser baseline bundled the same way in the same run (goal ≤ 0.75×). Load
 * time = `await import(bundle)` timed inside a fresh `node` process (node's own start-up
 * excluded), median over interleaved rounds.
 *
 * Run alone: npx tsx bench/bundleFigure.ts
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BuiltBundle, bundleAll, kb } from "./bundle.js";
import { envInt, type FigureLine, type FigureResult, median, printFigure } from "./harness.js";

const SIZE_GOAL_BYTES = 430 * 1000;

/** Milliseconds one fresh node process takes to import the bundle. */
const loadMs = (file: string): number => {
  const url = pathToFileURL(resolve(file)).href;
  const script = `const t=process.hrtime.bigint();await import(${JSON.stringify(url)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" },
  });
  return Number(out);
};

/**
 * Builds the bundles, then measures sizes and load times.
 * @example const result = await bundleFigure();
 */
export const bundleFigure = async (): Promise<FigureResult> => {
  const { handlers, baseline } = await bundleAll();
  const rounds = envInt("BENCH_LOAD_ROUNDS", 11);
  const all: BuiltBundle[] = [...handlers, baseline];
  const times = new Map<string, number[]>(all.map((bundle) => [bundle.file, []]));
  for (const bundle of all) loadMs(bundle.file); // warm the file cache
  for (let round = 0; round < rounds; round++)
    for (const bundle of all) times.get(bundle.file)?.push(loadMs(bundle.file));
  const baseMs = median(times.get(baseline.file) ?? []);
  const lines: FigureLine[] = [];
  for (const bundle of handlers) {
    const ms = median(times.get(bundle.file) ?? []);
    lines.push({
      figure: "4",
      metric: `${bundle.name} size`,
      ours: bundle.bytes / 1000,
      baseline: baseline.bytes / 1000,
      baselineName: "Powertools batch+parser",
      unit: "KB",
      ratio: bundle.bytes / baseline.bytes,
      goal: "≤ 430 KB",
      met: bundle.bytes <= SIZE_GOAL_BYTES,
    });
    lines.push({
      figure: "4",
      metric: `${bundle.name} module load`,
      ours: ms,
      baseline: baseMs,
      baselineName: "Powertools batch+parser",
      unit: "ms",
      ratio: ms / baseMs,
      goal: "≤ 0.75×",
      met: ms / baseMs <= 0.75,
    });
  }
  return {
    title: "4. Bundles (esbuild: ESM, minified, source maps, node22, SDK from its ESM build)",
    lines,
    notes: [
      `baseline dist/baseline/powertoolsHandler.mjs: ${kb(baseline.bytes)}, load ${baseMs.toFixed(1)} ms`,
      `load = await import() in a fresh node process, median of ${rounds} interleaved rounds after one warm-up; KB = 1,000 bytes (source maps not counted)`,
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) printFigure(await bundleFigure());
