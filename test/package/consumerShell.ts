/**
 * Shell helpers of the package consumer tests: a command run in the consumer project (its output
 * on failure), a node script whose last printed line is JSON, and npm's environment without the
 * variables naming this repository.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Runs a command; on failure throws with its whole output.
 * @example await run("npm", ["install"], { cwd: project })
 */
export const run = async (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv },
): Promise<string> => {
  try {
    const { stdout } = await promisify(execFile)(file, args, {
      ...options,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed:\n${stdout ?? ""}\n${stderr ?? ""}`);
  }
};

/**
 * A node script run in the consumer project; what it prints last is parsed as JSON.
 * @example await nodeScript(project, "check.mjs", "console.log(JSON.stringify(1))") // 1
 */
export const nodeScript = async (
  dir: string,
  name: string,
  source: string,
  env?: NodeJS.ProcessEnv,
): Promise<unknown> => {
  await writeFile(join(dir, name), source);
  const stdout = await run(process.execPath, [name], env ? { cwd: dir, env } : { cwd: dir });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
};

/**
 * npm's own variables of the `npm test` that runs this file, minus the ones naming this project,
 * so the nested npm commands act on the directory they run in.
 * @example await run("npm", ["install"], { cwd: project, env: npmEnv() })
 */
export const npmEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(lifecycle_|package_|config_local_prefix$)/.test(name),
    ),
  );
