/**
 * `npm run bundle`: every Lambda entry point in handlers/ (a module exporting `handler`) built
 * with esbuild into dist/<name>.mjs — ESM, minified, with source maps, platform node, target
 * node22, every dependency bundled, the AWS SDK from its ESM build (`module` before `main`) —
 * and the Powertools baseline (bench/baseline/powertoolsHandler.ts) the same way into
 * dist/baseline/. Prints each bundle's size.
 */
import { statSync } from "node:fs";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { bundleOptions, entryPoints } from "../bin/bundleOptions.js";

/** One bundle that was built. */
export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
}

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
