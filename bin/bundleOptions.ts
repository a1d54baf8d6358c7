/**
 * The esbuild settings of every Lambda bundle, shared by the package build (bin/buildPackage.ts)
 * and the bundle benchmarks (bench/bundle.ts), so the two never drift apart.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * Our sources import `fp-ts/lib/*.js` (CommonJS, as Node resolves it under NodeNext); bundles
 * take the same modules from fp-ts's ES build (`fp-ts/es6`, what io-ts's ES build imports too),
 * so one copy is bundled and tree-shaken: 74 KB → a few KB per bundle.
 */
const fpTsEsm: Plugin = {
  name: "fp-ts-esm",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^fp-ts\/lib\// }, (args) =>
      pluginBuild.resolve(args.path.replace(/^fp-ts\/lib\//, "fp-ts/es6/"), {
        kind: args.kind,
        resolveDir: args.resolveDir,
      }),
    );
  },
};

/**
 * The options every bundle is built with.
 * @example await build({ ...bundleOptions, entryPoints: ["handlers/queueToTable.ts"], outfile: "dist/queueToTable.mjs" });
 */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: true,
  // The AWS SDK is bundled, not taken from the Lambda runtime's copy: bench figure 6
  // (bench/bundleSdk.ts) measured import + first invocation at ~0.6× the runtime-SDK variant on
  // Node.js 22, and the SDK version stays the one the package was tested with.
  // The AWS SDK (and fp-ts) ship an ESM build under `module`: tree-shakable, and it loads faster.
  mainFields: ["module", "main"],
  // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  plugins: [fpTsEsm],
  logLevel: "warning",
};

/**
 * The entry points in handlers/: modules that export a Lambda `handler`.
 * @example entryPoints("handlers") // ["handlers/csvToQueue.ts", …]
 */
export const entryPoints = (dir = "handlers"): string[] =>
  readdirSync(dir)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file))
    .filter((file) => /^export const handler\b/m.test(readFileSync(file, "utf8")))
    .sort();
