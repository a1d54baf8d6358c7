import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, emulatorClients } from "../support/emulators.js";
import { emulatorEnv } from "./runBinary.js";

/**
 * The `bin` as a user gets it: `npm pack` (whose `prepack` builds dist/) into a temporary
 * directory, `npm install` of the tarball into a fresh project, then `npx dynamodb-pipelines`
 * there: compiled JavaScript with its shebang, run by npm's own bin link. The package is packed
 * from a copy of the sources, so its build never races test/package's build of the repo's dist/.
 */

/** What `npm pack` (and its `prepack` build) reads. */
const PACKED_SOURCES = [
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "LICENSE",
  "README.md",
  "domain",
  "ports",
  "adapters",
  "handlers",
  "bin",
];

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** npm's variables of an enclosing `npm test`, minus those naming this project. */
const npmEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(lifecycle_|package_|config_local_prefix$)/.test(name),
    ),
  );

let temp = "";
let project = "";

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "dynamodb-pipelines-bin-"));
  project = join(temp, "project");
  const copy = join(temp, "package");
  await mkdir(project);
  for (const name of PACKED_SOURCES)
    await cp(join(REPO, name), join(copy, name), { recursive: true });
  await symlink(join(REPO, "node_modules"), join(copy, "node_modules"), "dir");
  await run("npm", ["pack", "--pack-destination", temp], {
    cwd: copy,
    env: npmEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = (await readdir(temp)).find((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${temp}`);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "ops", private: true }));
  await run(
    "npm",
    ["install", join(temp, tarball), "--prefer-offline", "--no-audit", "--no-fund"],
    { cwd: project, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
}, 300_000);

afterAll(async () => {
  if (temp !== "") await rm(temp, { recursive: true, force: true });
});

describe("npx dynamodb-pipelines from the installed tarball", { timeout: 120_000 }, () => {
  it("keeps the shebang on the compiled entry point", async () => {
    const main = await readFile(
      join(project, "node_modules/dynamodb-pipelines/dist/handlers/cli/main.js"),
      "utf8",
    );
    expect(main.startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("--help lists the commands", async () => {
    const { stdout } = await run("npx", ["--no-install", "dynamodb-pipelines", "--help"], {
      cwd: project,
      env: npmEnv(),
    });
    expect(stdout).toContain("Usage: dynamodb-pipelines <command>");
    for (const name of ["glue-script", "verify-aggregates", "rebuild-aggregates"])
      expect(stdout).toContain(name);
  });

  it("runs a command: glue-script prints the job", async () => {
    await writeFile(join(project, "m.json"), '[["id","string","id","string"]]');
    const { stdout } = await run(
      "npx",
      [
        "--no-install",
        "dynamodb-pipelines",
        "glue-script",
        "--mapping",
        "m.json",
        "--source-table",
        "a",
        "--target-table",
        "b",
      ],
      { cwd: project, env: npmEnv() },
    );
    expect(stdout).toContain('MAPPINGS = [\n    ("id", "string", "id", "string"),\n]');
  });

  it("passes a command's exit status and error lines through the worker thread it runs in", async () => {
    const failed = await run("npx", ["--no-install", "dynamodb-pipelines", "verify-aggregates"], {
      cwd: project,
      env: npmEnv(),
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain("verify-aggregates: --orders <value> is required");
  });

  it("Ctrl-C reaches load-csv in its worker thread: it stops after the writes in flight (exit 130)", async () => {
    const { name } = await createTable(emulatorClients().dynamodb, "packed", { id: "S" });
    const rows = ["id,n", ...Array.from({ length: 20_000 }, (_, i) => `k${i},${i}`)];
    await writeFile(join(project, "big.csv"), `${rows.join("\n")}\n`);
    const main = join(project, "node_modules/dynamodb-pipelines/dist/handlers/cli/main.js");
    const args = ["load-csv", "big.csv", "--table", name, "--concurrency", "1", "--json"];
    const child = spawn(process.execPath, [main, ...args], {
      cwd: project,
      env: { PATH: process.env.PATH, ...emulatorEnv() },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const checkpoint = join(project, "big.csv.checkpoint.json");
    while (!existsSync(checkpoint)) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill("SIGINT");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(stderr).toContain("stopping after the writes in flight");
    expect(JSON.parse(stdout)).toMatchObject({ stopped: true, rejected: 0 });
  });
});
