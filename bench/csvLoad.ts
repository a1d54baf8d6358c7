/**
 * Figure 2: CSV object → validated items, the real loader path (bench/csv/loadFile.ts) with a
 * queue that discards:
 * - rows/s on a generated file of BENCH_CSV_MB (default 100) MB with quoted fields, against
 *   papaparse alone on the same file, in this process (goal ≥ 400k rows/s);
 * - peak RSS (VmHWM) streaming a BENCH_CSV_RSS_MB (default 1000) MB file end to end in a child
 *   process running the bundled worker with plain node, against papaparse alone (goal ≤ 100 MB);
 * - backpressure: the BENCH_CSV_MB file into a queue that takes 2 ms per SendMessageBatch (several
 *   times slower than the parser): if rows piled up, RSS would grow with the file; its peak must
 *   stay that of the fast run (RSS is also sampled every 50 ms).
 *
 * Run alone: npx tsx bench/csvLoad.ts
 */
import { execFileSync } from "node:child_process";
import { DEFAULT_ROWS_PER_MESSAGE } from "../handlers/csvToQueue.js";
import { bundleOne } from "./bundle.js";
import { benchCsvFile } from "./csv/generate.js";
import { loadFile, papaparseFile } from "./csv/loadFile.js";
import { compare, envInt, type FigureResult, printFigure } from "./harness.js";

const WORKER = "dist/bench/csvWorker.mjs";

interface WorkerResult {
  readonly rows: number;
  readonly sends: number;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly samplesMb: ReadonlyArray<number>;
}

const runWorker = (
  args: ReadonlyArray<string>,
  nodeFlags: ReadonlyArray<string> = [],
): WorkerResult =>
  JSON.parse(
    execFileSync(process.execPath, [...nodeFlags, WORKER, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    }),
  ) as WorkerResult;

/** Highest RSS sample between two fractions of the run. */
const maxBetween = (samples: ReadonlyArray<number>, from: number, to: number): number =>
  Math.max(...samples.slice(Math.floor(samples.length * from), Math.ceil(samples.length * to)), 0);

/**
 * Runs figure 2.
 * @example const result = await csvLoadFigure();
 */
export const csvLoadFigure = async (): Promise<FigureResult> => {
  const speedMb = envInt("BENCH_CSV_MB", 100);
  const rssMb = envInt("BENCH_CSV_RSS_MB", 1000);
  const rowsPerMessage = DEFAULT_ROWS_PER_MESSAGE;
  const speedFile = await benchCsvFile(speedMb);
  const rssFile = await benchCsvFile(rssMb);
  await bundleOne("bench/csv/worker.ts", WORKER);

  let loaded = 0;
  const timings = await compare(
    {
      loader: async () => {
        loaded = (await loadFile(speedFile.path, { rowsPerMessage })).stats.rows;
      },
      papaparse: () => papaparseFile(speedFile.path),
    },
    { warmup: 1, rounds: 3 },
  );
  if (loaded !== speedFile.rows) throw new Error(`loaded ${loaded} of ${speedFile.rows} rows`);
  const loaderRate = speedFile.rows / timings.loader.median;
  const papaRate = speedFile.rows / timings.papaparse.median;

  const loaderRss = runWorker(["loader", rssFile.path, String(rowsPerMessage)]);
  const papaRss = runWorker(["papaparse", rssFile.path]);
  // The young generation as Lambda's Node bootstrap has sized it for a 128 MB function
  // (memory / 20 MB per semi-space); our machine's 24 GB lets V8 grow it to 16 MB.
  const lambdaLike = runWorker(
    ["loader", rssFile.path, String(rowsPerMessage)],
    ["--max-semi-space-size=6"],
  );
  const slow = runWorker(["loader", speedFile.path, String(rowsPerMessage), "2"]);
  const early = maxBetween(slow.samplesMb, 0.1, 0.25);
  const late = maxBetween(slow.samplesMb, 0.5, 1);
  const fmt = (n: number) => n.toFixed(0);

  return {
    title: "2. CSV object → validated items (loadCsvObject, queue that discards)",
    lines: [
      {
        figure: "2",
        metric: `rows/s, ${speedMb} MB file`,
        ours: loaderRate,
        baseline: papaRate,
        baselineName: "papaparse alone, no validation",
        unit: "rows/s",
        ratio: loaderRate / papaRate,
        goal: "≥ 400k rows/s",
        met: loaderRate >= 400_000,
      },
      {
        figure: "2",
        metric: `peak RSS, ${rssMb} MB file streamed end to end`,
        ours: loaderRss.peakRssMb,
        baseline: papaRss.peakRssMb,
        baselineName: "papaparse alone",
        unit: "MB",
        ratio: loaderRss.peakRssMb / papaRss.peakRssMb,
        goal: "≤ 100 MB",
        met: loaderRss.peakRssMb <= 100 && loaderRss.rows === rssFile.rows,
      },
      {
        figure: "2",
        metric: "peak RSS, same, node --max-semi-space-size=6 (Lambda-like young generation)",
        ours: lambdaLike.peakRssMb,
        baseline: papaRss.peakRssMb,
        baselineName: "papaparse alone, default flags",
        unit: "MB",
        ratio: lambdaLike.peakRssMb / papaRss.peakRssMb,
      },
      {
        figure: "2",
        metric: `peak RSS with a slow queue (2 ms per send), ${speedMb} MB file`,
        ours: slow.peakRssMb,
        baseline: loaderRss.peakRssMb,
        baselineName: `fast queue, ${rssMb} MB file`,
        unit: "MB",
        ratio: slow.peakRssMb / loaderRss.peakRssMb,
        goal: "flat: ≤ fast-queue peak + 10 MB",
        met: slow.peakRssMb <= loaderRss.peakRssMb + 10 && slow.rows === speedFile.rows,
      },
    ],
    notes: [
      `${speedMb} MB file: ${speedFile.rows} rows (${(speedFile.bytes / speedFile.rows).toFixed(0)} bytes each, quoted fields with commas, doubled quotes, a line break in 1 row of 20); schema: 2 number columns, 1 boolean, key (sku, store); ${rowsPerMessage} rows per message; 1 warm-up + 3 interleaved rounds, median`,
      `${rssMb} MB file: ${rssFile.rows} rows; loader ${fmt(loaderRss.seconds)} s (${fmt(loaderRss.rows / loaderRss.seconds)} rows/s in the child), papaparse ${fmt(papaRss.seconds)} s; RSS = VmHWM of a plain-node child running the esbuild bundle of bench/csv/worker.ts`,
      `slow queue (2 ms per SendMessageBatch): ${slow.sends} sends in ${fmt(slow.seconds)} s (${fmt(slow.rows / slow.seconds)} rows/s), RSS at 10–25 % ≤ ${fmt(early)} MB, after half-way ≤ ${fmt(late)} MB, peak ${fmt(slow.peakRssMb)} MB`,
    ],
  };
};

if (import.meta.url === `file://${process.argv[1]}`) printFigure(await csvLoadFigure());
