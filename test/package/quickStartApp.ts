/**
 * README.md's CDK quick start as a user runs it: the ```ts block under "Deploy in ten lines",
 * saved as an ES module in the consumer project (which holds the packed tarball), with
 * aws-cdk-lib and constructs installed next to it and `app.synth()` run by plain node.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { npmEnv, run } from "./consumerShell.js";

/** One function of the synthesized template. */
type FunctionProperties = Record<string, unknown>;

/**
 * Installs aws-cdk-lib and constructs (the repository's versions, from npm's cache when it
 * holds them) into `project`, runs the README's quick start there (adding `app.synth()` when
 * the block leaves it to the cdk CLI) into `<project>/cdk.out`, and returns the block, the
 * output folder and the functions of the one stack it synthesized.
 * @example const { functions } = await synthReadmeQuickStart(REPO, project, home);
 */
export const synthReadmeQuickStart = async (
  repo: string,
  project: string,
  home: string,
): Promise<{
  readonly quickStart: string;
  readonly outdir: string;
  readonly functions: ReadonlyArray<FunctionProperties>;
}> => {
  const readme = await readFile(join(repo, "README.md"), "utf8");
  const quickStart = /^## Deploy in ten lines.*\n+```ts\n([\s\S]*?)\n```/m.exec(readme)?.[1];
  if (quickStart === undefined) throw new Error("README.md has no quick-start ts block");
  const versionOf = async (name: string) =>
    (
      JSON.parse(await readFile(join(repo, "node_modules", name, "package.json"), "utf8")) as {
        version: string;
      }
    ).version;
  const packages = [
    `aws-cdk-lib@${await versionOf("aws-cdk-lib")}`,
    `constructs@${await versionOf("constructs")}`,
  ];
  await run("npm", ["install", ...packages, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: project,
    env: npmEnv(),
  });
  const outdir = join(project, "cdk.out");
  const synth = /\bapp\.synth\(\)/.test(quickStart) ? "" : "\napp.synth();\n";
  await writeFile(join(project, "quickstart.mjs"), `${quickStart}\n${synth}`);
  await run(process.execPath, ["quickstart.mjs"], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: home, CDK_OUTDIR: outdir },
  });
  const templates = (await readdir(outdir)).filter((file) => file.endsWith(".template.json"));
  if (templates.length !== 1) throw new Error(`expected one stack template, got ${templates}`);
  const template = JSON.parse(await readFile(join(outdir, templates[0] ?? ""), "utf8")) as {
    Resources: Record<string, { Type: string; Properties: FunctionProperties }>;
  };
  const functions = Object.values(template.Resources)
    .filter((r) => r.Type === "AWS::Lambda::Function")
    .map((r) => r.Properties);
  return { quickStart, outdir, functions };
};
