/**
 * `npm run bundle`: every Lambda entry point in handlers/ (a module exporting `handler`) built
 * with esbuild into dist/<name>.mjs — ESM, minified, with source maps, platform node, target
 * node20, every dependency bundled, the AWS SDK from its ESM build (`module` before `main`) —
 * and the Powertools baseline (bench/baseline/powertoolsHandler.ts) the same way into
 * dist/baseline/. Prints each bundle's size.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";

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
  target: "node20",
  format: "esm",
  minify: true,
  sourcemap: true,
  // The AWS SDK (and fp-ts) ship an ESM build under `module`: tree-shakable, and it loads faster.
  mainFields: ["module", "main"],
  // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
  plugins: [fpTsEsm],
  logLevel: "warning",
};

/** One bundle that was built. */
export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

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

/**
 * Builds one entry point into `outfile` with {@link bundleOptions}.
 * @example await bundleOne("handlers/streamAggregate.ts", "dist/streamAggregate.mjs");
 */
export const bundleOne = async (entry: string, outfile: string): Promise<BuiltBundle> => {
  await build({ ...bundleOptions, entryPoints: [entry], outfile });
  return { name: basename(outfile, ".mjs"), file: outfile, bytes: statSync(outfile).size };
};

/**
 * Builds every entry point into dist/ and the Powertools baseline into dist/baseline/.
 * @example const { handlers, baseline } = await bundleAll();
 */
export const bundleAll = async (): Promise<{
  readonly handlers: ReadonlyArray<BuiltBundle>;
  readonly baseline: BuiltBundle;
}> => {
  const handlers: BuiltBundle[] = [];
  for (const entry of entryPoints())
    handlers.push(await bundleOne(entry, join("dist", `${basename(entry, ".ts")}.mjs`)));
  const baseline = await bundleOne(
    "bench/baseline/powertoolsHandler.ts",
    "dist/baseline/powertoolsHandler.mjs",
  );
  return { handlers, baseline };
};

/**
 * Kilobytes as the goal counts them (1 KB = 1,000 bytes).
 * @example kb(430_000) // "430 KB"
 */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(0)} KB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { handlers, baseline } = await bundleAll();
  for (const bundle of [...handlers, baseline])
    console.log(`${bundle.file.padEnd(40)} ${kb(bundle.bytes).padStart(8)}`);
}
