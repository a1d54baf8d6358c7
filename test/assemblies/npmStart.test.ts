import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TSX_LOADER } from "../cli/runBinary.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** The lines of `npm start` after the command-line demo's banner. */
const demoOf = (stdout: string): ReadonlyArray<string> => {
  const start = stdout.indexOf("dynamodb-pipelines (the command line) on the in-memory tables");
  expect(start).toBeGreaterThanOrEqual(0);
  return stdout
    .slice(start)
    .split("\n")
    .filter((line) => line.trim() !== "");
};

describe("npm start (bin/main.ts)", { timeout: 60_000 }, () => {
  it("ends with the command line finding a total corrupted by hand, repairing it, and finding it clean", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", TSX_LOADER, join(REPO, "bin/main.ts")],
      { cwd: REPO, env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 },
    );
    const demo = demoOf(stdout);
    const edit = demo.find((line) => line.startsWith("hand edit: "));
    const edited = /^hand edit: (order_date=\S+ item_number=\S+) quantity (\d+) → (\d+)$/.exec(
      edit ?? "",
    );
    expect(edited).not.toBeNull();
    const [, key, before, after] = edited as RegExpExecArray;
    expect(Number(after)).toBe(Number(before) + 5);
    const commandsAndResults = demo.slice(demo.indexOf(edit as string) + 1);
    expect(commandsAndResults).toEqual([
      "$ dynamodb-pipelines verify-aggregates --orders orders --totals totals",
      `differs: ${key} expected ${before} found ${after}`,
      expect.stringMatching(/: 1 differ$/),
      "(exit status 1)",
      "$ dynamodb-pipelines rebuild-aggregates --orders orders --totals totals",
      "1 totals differed: 1 set, 0 removed, 0 failed",
      "(exit status 0)",
      "$ dynamodb-pipelines verify-aggregates --orders orders --totals totals",
      expect.stringMatching(/: 0 differ$/),
      "(exit status 0)",
    ]);
  });
});
