import type { CliIo } from "./cliIo.js";

/**
 * A progress report on stderr: on a terminal one line redrawn at most every 100 ms (rows, rate,
 * ETA when the total is known), otherwise a plain line every `plainEveryMs` (default 5 s) and a
 * last line at the end.
 * @example const bar = progress(io, "scan orders", 1_000); bar.update(250); bar.finish();
 */
export interface Progress {
  /** Rows done so far; `done`/`total` in other units (bytes) when the ETA comes from them. */
  readonly update: (rows: number, done?: number) => void;
  readonly finish: () => void;
}

const formatDuration = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mmss = `${String(m).padStart(h > 0 ? 2 : 1, "0")}:${String(s).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
};

/**
 * The progress text: `label: 12,345 rows, 4,100 rows/s, 62%, ETA 0:03`.
 * @example progressLine("load", 100, 50, 1000, 2000) // "load: 100 rows, 50 rows/s, 50%, ETA 0:02"
 */
export const progressLine = (
  label: string,
  rows: number,
  rowsPerSecond: number,
  done?: number,
  total?: number,
  elapsedMs?: number,
): string => {
  const parts = [
    `${label}: ${rows.toLocaleString("en-US")} rows`,
    `${Math.round(rowsPerSecond).toLocaleString("en-US")} rows/s`,
  ];
  if (done !== undefined && total !== undefined && total > 0 && elapsedMs !== undefined) {
    const fraction = Math.min(1, done / total);
    parts.push(`${Math.floor(fraction * 100)}%`);
    if (fraction > 0) parts.push(`ETA ${formatDuration((elapsedMs * (1 - fraction)) / fraction)}`);
  }
  return parts.join(", ");
};

/**
 * Starts a progress report; `total` is in the unit of `update`'s `done` (rows when not given).
 * @example const bar = progress(io, "scan orders", description.itemCount);
 */
export const progress = (
  io: CliIo,
  label: string,
  total?: number,
  plainEveryMs = 5000,
): Progress => {
  const started = io.now();
  let last = started;
  let rows = 0;
  let done: number | undefined;
  const line = () => {
    const elapsed = io.now() - started;
    return progressLine(
      label,
      rows,
      elapsed > 0 ? (rows * 1000) / elapsed : 0,
      done ?? rows,
      total,
      elapsed,
    );
  };
  return {
    update: (nextRows, nextDone) => {
      rows = nextRows;
      done = nextDone;
      const now = io.now();
      if (now - last < (io.isTty ? 100 : plainEveryMs)) return;
      last = now;
      if (io.isTty) io.status(line());
      else io.err(line());
    },
    finish: () => {
      if (io.isTty) io.status(`${line()}\n`);
      else io.err(line());
    },
  };
};
