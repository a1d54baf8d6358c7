import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ENTRY_POINTS, type EntryPointName } from "../../cdk/packageBundle.js";

/**
 * The package build (`npm run build`, also run by `npm pack` through `prepack`) deletes and
 * rewrites dist/. Test files that build, pack or read dist/ run in parallel workers, so they take
 * turns through one lock: a directory created atomically next to the system's temp files.
 */

/** The repository root. */
export const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** The six deployable entry points, as dist/lambda names them (cdk/packageBundle.ts). */
export { ENTRY_POINTS, type EntryPointName };

const LOCK = join(
  tmpdir(),
  `dynamodb-pipelines-build-${createHash("sha256").update(REPO).digest("hex").slice(0, 12)}.lock`,
);
/** A lock older than this was left by a killed run. */
const STALE_LOCK_MS = 10 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding the build lock (waits for it; breaks a lock left by a killed run).
 * @example await withBuildLock(() => run("npm", ["pack"], { cwd: REPO }));
 */
export const withBuildLock = async <A>(work: () => Promise<A>): Promise<A> => {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const since = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
};

/**
 * npm's own variables of the `npm test` that runs the tests, minus the ones naming this project,
 * so nested npm commands act on the directory they run in.
 * @example await run("npm", ["pack"], { cwd: REPO, env: npmEnv() });
 */
export const npmEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(lifecycle_|package_|config_local_prefix$)/.test(name),
    ),
  );

/**
 * Runs a program; its stdout, or an error carrying its stdout and stderr.
 * @example const out = await runProgram("npm", ["view", "yaml", "version"], { cwd: REPO });
 */
export const runProgram = async (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly timeout?: number },
): Promise<string> => {
  try {
    const { stdout } = await promisify(execFile)(file, args, {
      ...options,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr, message } = error as {
      stdout?: string;
      stderr?: string;
      message: string;
    };
    throw new Error(
      `${file} ${args.join(" ")} failed: ${message}\n${stdout ?? ""}\n${stderr ?? ""}`,
    );
  }
};

const SOURCE_DIRS = ["domain", "ports", "adapters", "handlers"];
const BUILD_FILES = ["bin/buildPackage.ts", "bin/bundleOptions.ts", "package-lock.json"];

const newestSource = async (): Promise<number> => {
  const files = [...BUILD_FILES];
  for (const dir of SOURCE_DIRS)
    for (const entry of await readdir(join(REPO, dir), { recursive: true }))
      if (entry.endsWith(".ts")) files.push(join(dir, entry));
  const times = await Promise.all(files.map(async (f) => (await stat(join(REPO, f))).mtimeMs));
  return Math.max(...times);
};

/** The path of an entry point's bundle. */
export const bundlePath = (name: EntryPointName, root = REPO): string =>
  join(root, "dist", "lambda", name, "index.mjs");

/**
 * Whether dist/ is missing a bundle or compiled module, or older than a source it is built from.
 * @example if (await distIsStale()) await runProgram("npm", ["run", "build"], { cwd: REPO });
 */
export const distIsStale = async (): Promise<boolean> => {
  const outputs = [
    ...ENTRY_POINTS.map((name) => bundlePath(name)),
    join(REPO, "dist/handlers/index.js"),
  ];
  const built = await Promise.all(
    outputs.map((file) =>
      stat(file).then(
        (s) => s.mtimeMs,
        () => undefined,
      ),
    ),
  );
  if (built.some((time) => time === undefined)) return true;
  return Math.min(...(built as number[])) < (await newestSource());
};

/**
 * Under the build lock: runs `npm run build` when dist/ is missing or stale, then `work` (which
 * reads dist/ while no other test file rebuilds it).
 * @example const files = await withFreshBuild(() => readdir(join(REPO, "dist/lambda")));
 */
export const withFreshBuild = <A>(work: () => Promise<A>): Promise<A> =>
  withBuildLock(async () => {
    if (await distIsStale())
      await runProgram("npm", ["run", "build"], { cwd: REPO, env: npmEnv(), timeout: 300_000 });
    return work();
  });
