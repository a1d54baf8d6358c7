/**
 * Child process of the CSV figure (bundled to dist/bench/csvWorker.mjs and run with plain
 * `node`, so no TypeScript loader sits in the measured memory): streams one file end to end and
 * prints one JSON line with the rows, the seconds, the peak RSS (VmHWM) and the RSS sampled
 * every 50 ms.
 *
 * Usage: node dist/bench/csvWorker.mjs <loader|papaparse> <file> [rowsPerMessage=1] [sendDelayMs=0]
 */
import { readFileSync } from "node:fs";
import { loadFile, papaparseFile } from "./loadFile.js";

const MB = 1024 * 1024;

/** Peak resident set size of this process in MB (Linux VmHWM), else the highest sample. */
const peakRss = (fallback: number): number => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return fallback;
};

const [mode = "loader", path = "", rowsPerMessage = "1", delayMs = "0"] = process.argv.slice(2);
const samples: number[] = [];
const timer = setInterval(() => samples.push(process.memoryUsage.rss() / MB), 50);
const start = process.hrtime.bigint();
let rows: number;
let sends = 0;
if (mode === "papaparse") rows = (await papaparseFile(path)) - 1;
else {
  const result = await loadFile(path, {
    rowsPerMessage: Number(rowsPerMessage),
    delayMs: Number(delayMs),
  });
  rows = result.stats.rows;
  sends = result.counts.sends;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
clearInterval(timer);
samples.push(process.memoryUsage.rss() / MB);
console.log(
  JSON.stringify({
    mode,
    rows,
    sends,
    seconds,
    peakRssMb: peakRss(Math.max(...samples)),
    samplesMb: samples.map((mb) => Math.round(mb)),
  }),
);
