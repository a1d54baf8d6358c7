import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Node.js binaries of the Lambda runtimes (nodejs22.x, nodejs24.x), installed from the npm
 * registry (packages `node-<platform>-<arch>@<major>`) into a cache outside the repository's
 * node_modules, kept between runs. `DYNAMODB_PIPELINES_RUNTIMES` moves the cache. Used by the
 * runtime tests (test/package/runtimes.test.ts) and the SDK bench (bench/bundleSdk.ts).
 */

/** npm's variables naming the project of an enclosing `npm test`/`npm run` are dropped. */
const npmEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(lifecycle_|package_|config_local_prefix$)/.test(name),
    ),
  );

const run = async (file: string, args: ReadonlyArray<string>): Promise<string> => {
  try {
    const options = { env: npmEnv(), timeout: 300_000, maxBuffer: 16 * 1024 * 1024 };
    return (await promisify(execFile)(file, args, options)).stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")} failed: ${message}\n${stderr ?? ""}`);
  }
};

/** The Node.js majors of Lambda's current runtimes. */
export const LAMBDA_NODE_MAJORS = [22, 24] as const;

/** Where the binaries are cached. */
export const runtimesCache = (): string =>
  process.env.DYNAMODB_PIPELINES_RUNTIMES ??
  join(homedir() === "" ? tmpdir() : homedir(), ".cache", "dynamodb-pipelines-runtimes");

const packageName = `node-${process.platform}-${process.arch}`;

const binaryOf = (major: number): string =>
  join(runtimesCache(), `node${major}`, "node_modules", packageName, "bin", "node");

const versionOf = async (binary: string): Promise<string | undefined> => {
  try {
    await access(binary, constants.X_OK);
    return (await run(binary, ["--version"])).trim();
  } catch {
    return undefined;
  }
};

/**
 * The path of a Node.js `major` binary: the cached one, else installed with npm (a clear error
 * when the registry cannot provide it; never a silent skip).
 * @example const node22 = await nodeBinary(22); // ~/.cache/dynamodb-pipelines-runtimes/node22/…/bin/node
 */
export const nodeBinary = async (major: number): Promise<string> => {
  const binary = binaryOf(major);
  if ((await versionOf(binary))?.startsWith(`v${major}.`)) return binary;
  const spec = `${packageName}@${major}`;
  const prefix = join(runtimesCache(), `node${major}`);
  try {
    await run("npm", ["view", spec, "version"]);
    await run("npm", [
      "install",
      "--prefix",
      prefix,
      spec,
      "--no-save",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
    ]);
  } catch (error) {
    throw new Error(
      `Node.js ${major} (npm package ${spec}) could not be installed into ${prefix}: ${(error as Error).message}`,
    );
  }
  const version = await versionOf(binary);
  if (!version?.startsWith(`v${major}.`))
    throw new Error(
      `${binary} is not a Node.js ${major} binary after installing ${spec} (got ${version})`,
    );
  return binary;
};
