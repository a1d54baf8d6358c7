import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as E from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { applyMapping, mappingsFromJson } from "../../domain/applyMapping.js";
import { runCliBinary } from "./runBinary.js";

/**
 * `glue-script` through the real binary: the printed PySpark compiles (`python3 -m py_compile`),
 * and the MAPPINGS list Python reads from it is, tuple for tuple, the list the TypeScript
 * `applyMapping` receives from the same file (the golden file pins the whole script).
 */

const MAPPING_FILE = fileURLToPath(new URL("fixtures/seed001.mapping.json", import.meta.url));
const run = promisify(execFile);

/** Python's own reading of the script's MAPPINGS assignment, as JSON. */
const PYTHON_MAPPINGS = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
for node in tree.body:
    if isinstance(node, ast.Assign) and node.targets[0].id == "MAPPINGS":
        print(json.dumps([list(t) for t in ast.literal_eval(node.value)]))
`;

describe("glue-script", () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "glue-script-"));
    const result = await runCliBinary([
      "glue-script",
      "--mapping",
      MAPPING_FILE,
      "--source-table",
      "api_pagos",
      "--target-table",
      "api_pos_backup",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    script = result.stdout;
    await writeFile(join(dir, "job.py"), script);
  });

  it("prints the golden script for seed 001's job", async () => {
    await expect(script).toMatchFileSnapshot("golden/seed001.glue.py");
  });

  it("compiles with python3 -m py_compile", async () => {
    await expect(run("python3", ["-m", "py_compile", join(dir, "job.py")])).resolves.toBeDefined();
  });

  it("holds, as Python data, exactly the mapping list applyMapping receives", async () => {
    const { stdout } = await run("python3", ["-c", PYTHON_MAPPINGS, join(dir, "job.py")]);
    const fromTs = mappingsFromJson(await readFile(MAPPING_FILE, "utf8"));
    expect(E.isRight(fromTs)).toBe(true);
    if (E.isLeft(fromTs)) return;
    expect(JSON.parse(stdout)).toEqual(fromTs.right);
    // And that list does what the file says on an item (the backticked name, the nesting).
    const copied = applyMapping(
      fromTs.right,
      { atributo2: { S: " 42 " }, "a.b": { N: "0.5" }, address: { M: { city: { S: "Lima" } } } },
      "item-1",
    );
    expect(copied).toEqual(
      E.right({
        atributo2_destino: { N: "42" },
        metrics: { M: { ratio: { N: "0.5" } } },
        ciudad: { S: "Lima" },
      }),
    );
  });

  it("refuses a mapping file applyMapping would refuse, naming the problem (exit 2)", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(
      bad,
      JSON.stringify([
        ["a", "string", "x", "string"],
        ["b", "string", "x", "int"],
      ]),
    );
    const result = await runCliBinary([
      "glue-script",
      "--mapping",
      bad,
      "--source-table",
      "s",
      "--target-table",
      "t",
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("target x is mapped twice");
  });

  it("--json gives the script and the mapping list", async () => {
    const result = await runCliBinary([
      "glue-script",
      "--json",
      "--mapping",
      MAPPING_FILE,
      "--source-table",
      "api_pagos",
      "--target-table",
      "api_pos_backup",
    ]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { script: string; mappings: unknown };
    expect(`${summary.script.trimEnd()}\n`).toBe(script);
    expect(summary.mappings).toEqual(JSON.parse(await readFile(MAPPING_FILE, "utf8")));
  });
});
