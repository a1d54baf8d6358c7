import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../handlers/cli/runCli.js";
import { runCliBinary } from "./runBinary.js";

/** `--help` through the real binary: the command list, and each command's own usage. */
describe("dynamodb-pipelines --help", () => {
  it("lists every command", async () => {
    const result = await runCliBinary(["--help"]);
    expect(result.code).toBe(0);
    for (const command of COMMANDS)
      expect(result.stdout).toContain(`  ${command.name}  `.trimEnd());
    expect(result.stdout).toContain("Usage: dynamodb-pipelines <command>");
  });

  it("prints the overview and fails without a command (exit 2)", async () => {
    const result = await runCliBinary([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Commands:");
  });

  it.each(COMMANDS.map((command) => command.name))("%s --help prints its usage", async (name) => {
    const result = await runCliBinary([name, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: dynamodb-pipelines ${name}`);
  });

  it("lists redrive, whose usage names its source, target and dry run", async () => {
    const list = await runCliBinary(["--help"]);
    expect(list.stdout).toMatch(/\n {2}redrive +replay a dead-letter queue or reject documents/);
    const usage = await runCliBinary(["redrive", "--help"]);
    for (const flag of ["--from", "--to", "--dry-run", "--max", "--json", "--visibility-timeout"])
      expect(usage.stdout).toContain(flag);
    const missing = await runCliBinary(["redrive"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--from <value> is required");
  });

  it("an unknown command or flag is an error naming it (exit 2)", async () => {
    const unknown = await runCliBinary(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command frobnicate");
    const flag = await runCliBinary(["glue-script", "--nope"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--nope");
  });
});
