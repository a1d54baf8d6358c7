/**
 * The small shared harness of the benchmarks: contenders run interleaved (A, B, C, A, B, C, …)
 * after warm-up rounds, so drifting machine load hits every contender alike; each figure is the
 * median over the measured rounds, timed with `process.hrtime.bigint()`.
 */

/**
 * The median of some numbers (mean of the two middle ones for an even count).
 * @example median([3, 1, 2]) // 2
 */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Seconds elapsed while `run` ran (awaited).
 * @example const seconds = await timeSeconds(() => work());
 */
export const timeSeconds = async (run: () => unknown): Promise<number> => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
};

/** How many rounds: warm-up rounds are run and thrown away. */
export interface Rounds {
  readonly warmup: number;
  readonly rounds: number;
}

/** Median seconds per round of each contender, and every round's seconds. */
export type Timings<K extends string> = Record<
  K,
  { readonly median: number; readonly rounds: ReadonlyArray<number> }
>;

/**
 * Runs each contender `warmup + rounds` times, interleaved, and returns the median seconds per
 * round of each.
 * @example const t = await compare({ ours: () => work(), baseline: () => other() }, { warmup: 2, rounds: 7 });
 */
export const compare = async <K extends string>(
  contenders: Record<K, () => unknown>,
  { warmup, rounds }: Rounds,
): Promise<Timings<K>> => {
  const names = Object.keys(contenders) as K[];
  const seconds = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of names) {
      const elapsed = await timeSeconds(contenders[name]);
      if (round >= warmup) seconds.get(name)?.push(elapsed);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const all = seconds.get(name) ?? [];
      return [name, { median: median(all), rounds: all }];
    }),
  ) as unknown as Timings<K>;
};

/** One line of a figure: a measured value, its baseline, the ratio and the goal. */
export interface FigureLine {
  readonly figure: string;
  readonly metric: string;
  readonly ours: number;
  readonly baseline?: number;
  readonly baselineName?: string;
  readonly unit: string;
  /** Always `ours / baseline`: above 1 is better for rates, below 1 for costs, sizes and times. */
  readonly ratio?: number;
  /** Human-readable goal, and whether it was met (undefined when the line has no goal). */
  readonly goal?: string;
  readonly met?: boolean;
}

const compact = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100_000) return `${(n / 1000).toFixed(0)}k`;
  if (abs >= 1000) return `${(n / 1000).toFixed(1)}k`;
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(3);
};

/**
 * Prints one figure line: `metric: ours unit vs baseline (name) → ratio× (goal: met/MISSED)`.
 * @example formatLine({ figure: "1", metric: "records/s", ours: 1e5, baseline: 9e4, unit: "rec/s", ratio: 1.11 })
 */
export const formatLine = (line: FigureLine): string => {
  const base =
    line.baseline === undefined
      ? ""
      : ` vs ${compact(line.baseline)} ${line.unit} (${line.baselineName ?? "baseline"})`;
  const ratio = line.ratio === undefined ? "" : ` → ${line.ratio.toFixed(2)}×`;
  const goal =
    line.goal === undefined ? "" : ` [goal ${line.goal}: ${line.met ? "met" : "MISSED"}]`;
  return `  ${line.metric}: ${compact(line.ours)} ${line.unit}${base}${ratio}${goal}`;
};

/**
 * Keeps results observable so the JIT cannot drop the work that produced them.
 * @example sink.value += result.length;
 */
export const sink = { value: 0 };

/** A figure's outcome: its lines, or why it was skipped. */
export interface FigureResult {
  readonly title: string;
  readonly lines: ReadonlyArray<FigureLine>;
  readonly notes: ReadonlyArray<string>;
  readonly skipped?: string;
}

/**
 * Prints a figure as it finishes.
 * @example printFigure({ title: "1. Stream decode", lines, notes: [] })
 */
export const printFigure = (result: FigureResult): void => {
  console.log(`\n## ${result.title}`);
  if (result.skipped !== undefined) console.log(`  SKIPPED: ${result.skipped}`);
  for (const line of result.lines) console.log(formatLine(line));
  for (const note of result.notes) console.log(`  · ${note}`);
};

/**
 * A positive integer from the environment, or the default.
 * @example const mb = envInt("BENCH_CSV_MB", 100);
 */
export const envInt = (name: string, fallback: number): number => {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${text}`);
  return value;
};
