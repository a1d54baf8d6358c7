/**
 * `npm run build` (and `prepack`): the package's dist/.
 *
 * 1. tsc (tsconfig.build.json): domain, ports, adapters, handlers and cdk (the constructs) as
 *    ESM JavaScript with `.d.ts` and source maps, under dist/ with the source layout.
 * 2. esbuild: each Lambda entry point as one self-contained ESM file,
 *    dist/lambda/<entryPoint>/index.mjs (minified, source map, every dependency inside, the AWS
 *    SDK from its ESM build). The package's `./handlers/<entryPoint>` export resolves to it, so
 *    a user's own esbuild with plain flags re-bundles it without meeting the SDK's CommonJS.
 *
 * Each bundle is checked: it imports nothing but Node built-ins, and it exports `handler`,
 * `permissions` and its `create…Handler` factory.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { bundleOptions, entryPoints } from "./bundleOptions.js";

/** What dist/ holds that this build writes (bench bundles elsewhere in dist/ are left alone). */
const OUTPUTS = ["domain", "ports", "adapters", "handlers", "cdk", "lambda"];

/**
 * `queueToTable` → `createQueueToTableHandler`.
 * @example factoryName("streamAggregate") // "createStreamAggregateHandler"
 */
export const factoryName = (entryPoint: string): string =>
  `create${entryPoint.charAt(0).toUpperCase()}${entryPoint.slice(1)}Handler`;

/**
 * Bundles one entry point into dist/lambda/<name>/index.mjs and checks what it imports and exports.
 * @example await bundleEntryPoint("handlers/queueToTable.ts") // "dist/lambda/queueToTable/index.mjs"
 */
export const bundleEntryPoint = async (entry: string): Promise<string> => {
  const name = basename(entry, ".ts");
  const outfile = join("dist", "lambda", name, "index.mjs");
  const result = await build({
    ...bundleOptions,
    target: "node22",
    // Stack traces map to file:line without shipping every dependency's source a second time.
    sourcesContent: false,
    entryPoints: [entry],
    outfile,
    metafile: true,
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports);
  const foreign = imports.filter((i) => !isBuiltin(i.path)).map((i) => i.path);
  if (foreign.length > 0) throw new Error(`${outfile} imports ${foreign.join(", ")}`);
  const exported: Record<string, unknown> = await import(pathToFileURL(resolve(outfile)).href);
  for (const member of ["handler", "permissions", factoryName(name)])
    if (typeof exported[member] !== "function")
      throw new Error(`${outfile} does not export the function ${member}`);
  return outfile;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const dir of OUTPUTS) rmSync(join("dist", dir), { recursive: true, force: true });
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
  for (const entry of entryPoints()) console.log(await bundleEntryPoint(entry));
}
