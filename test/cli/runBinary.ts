import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { emulatorEndpoints } from "../support/emulators.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The tsx loader the child runs the TypeScript entry with. */
export const TSX_LOADER = join(REPO, "node_modules/tsx/dist/loader.mjs");
/** The CLI's entry point, the file package.json's `bin` compiles from. */
export const CLI_ENTRY = join(REPO, "handlers/cli/main.ts");

/** What one run of the command line gave. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment a user sets to reach the emulators: the SDK's own configuration chain
 * (region, static credentials, `AWS_ENDPOINT_URL_*`), nothing the CLI reads itself.
 * @example await runCliBinary(["verify-aggregates", …], emulatorEnv())
 */
export const emulatorEnv = (): NodeJS.ProcessEnv => {
  const { dynamodb, moto } = emulatorEndpoints();
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    AWS_ENDPOINT_URL_S3: moto,
    AWS_ENDPOINT_URL_SQS: moto,
  };
};

/**
 * Runs the command line as a child process (node with the tsx loader on handlers/cli/main.ts),
 * with only `env` added to PATH, and returns its exit code and output.
 * @example const { code, stdout } = await runCliBinary(["--help"]);
 */
export const runCliBinary = (
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = {},
  cwd = REPO,
): Promise<CliRun> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", TSX_LOADER, CLI_ENTRY, ...args],
      { cwd, env: { PATH: process.env.PATH, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
