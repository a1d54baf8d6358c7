import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as E from "fp-ts/lib/Either.js";
import { beforeAll, describe, expect, it } from "vitest";
import { GlueCopyPipeline } from "../../cdk/glueCopyPipeline.js";
import { type Mapping, mappingsFromJson } from "../../domain/applyMapping.js";
import { runCliBinary } from "../cli/runBinary.js";
import { resourcesOf, stageBundles } from "./support.js";

/**
 * The script GlueCopyPipeline deploys is, byte for byte, what `dynamodb-pipelines glue-script`
 * prints for the same mapping file and tables: read from the cloud assembly at the S3 key the
 * job's ScriptLocation names, and compiled by `python3 -m py_compile`.
 */

const MAPPING_FILE = fileURLToPath(
  new URL("../cli/fixtures/seed001.mapping.json", import.meta.url),
);
const STREAM =
  "arn:aws:dynamodb:eu-west-1:123456789012:table/api_pagos/stream/2026-11-30T00:00:00.000";

let bundles = "";
let mappings: ReadonlyArray<Mapping> = [];
beforeAll(async () => {
  bundles = await stageBundles(["streamToGlue"]);
  const parsed = mappingsFromJson(readFileSync(MAPPING_FILE, "utf8"));
  if (E.isLeft(parsed)) throw new Error(parsed.left);
  mappings = parsed.right;
}, 120_000);

/** Synthesizes the construct into a cloud assembly; returns the deployed script and the template. */
const deployedScript = (
  tables: (stack: Stack) => { sourceTable?: dynamodb.ITable; targetTable?: dynamodb.ITable },
) => {
  const outdir = mkdtempSync(join(tmpdir(), "glue-construct-"));
  const app = new App({ outdir });
  const stack = new Stack(app, "Copy", { env: { account: "123456789012", region: "eu-west-1" } });
  new GlueCopyPipeline(stack, "Payments", { mappings, functions: { bundles }, ...tables(stack) });
  const template = Template.fromStack(stack);
  app.synth();
  const jobs = resourcesOf(template, "AWS::Glue::Job");
  expect(jobs).toHaveLength(1);
  const command = jobs[0]?.[1].Properties?.Command as { ScriptLocation: unknown };
  const location = JSON.stringify(command.ScriptLocation);
  const hash = /\/([0-9a-f]{64})\.py/.exec(location)?.[1];
  expect(hash).toBeDefined();
  const path = join(outdir, `asset.${hash}.py`);
  return { path, script: readFileSync(path, "utf8"), template };
};

const cliScript = async (source: string, target: string): Promise<string> => {
  const result = await runCliBinary([
    "glue-script",
    "--mapping",
    MAPPING_FILE,
    "--source-table",
    source,
    "--target-table",
    target,
  ]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return result.stdout;
};

describe("GlueCopyPipeline's script", { timeout: 60_000 }, () => {
  it("for given tables: equals `glue-script` for the same mapping and tables, and compiles", async () => {
    const { path, script } = deployedScript((stack) => ({
      sourceTable: dynamodb.Table.fromTableAttributes(stack, "ApiPagos", {
        tableName: "api_pagos",
        tableStreamArn: STREAM,
      }),
      targetTable: dynamodb.Table.fromTableName(stack, "Backup", "api_pos_backup"),
    }));
    expect(script).toBe(await cliScript("api_pagos", "api_pos_backup"));
    expect(script).toContain('("atributo2", "string", "atributo2_destino", "int"),');
    await expect(promisify(execFile)("python3", ["-m", "py_compile", path])).resolves.toBeDefined();
  });

  it("for the tables it creates: names them as the template does, and equals `glue-script` for those names", async () => {
    const { script, template } = deployedScript(() => ({}));
    const names = resourcesOf(template, "AWS::DynamoDB::Table").map(([id, r]) => [
      id,
      r.Properties?.TableName as string,
    ]);
    const source = names.find(([id]) => id?.includes("Source"))?.[1] ?? "";
    const target = names.find(([id]) => id?.includes("Target"))?.[1] ?? "";
    expect(source).toMatch(/^Copy-.+-Source$/);
    expect(target).toMatch(/^Copy-.+-Target$/);
    expect(script).toBe(await cliScript(source, target));
  });

  it("refuses a given table whose name CloudFormation would only choose at deployment", () => {
    const app = new App();
    const stack = new Stack(app, "Copy");
    const unnamed = new dynamodb.Table(stack, "Unnamed", {
      partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    }) as unknown as dynamodb.ITable;
    expect(
      () =>
        new GlueCopyPipeline(stack, "Payments", {
          mappings,
          sourceTable: unnamed,
          functions: { bundles },
        }),
    ).toThrow(/sourceTable: the Glue script names its tables/);
  });
});
