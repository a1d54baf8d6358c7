/**
 * Where the package's prebuilt Lambda bundles live, found from this module's own location so it
 * works from the source tree (cdk/), from the build (dist/cdk/) and from a user's node_modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package's deployable entry points, one bundle each under dist/lambda/.
 * @example ENTRY_POINTS.map((name) => `dist/lambda/${name}/index.mjs`)
 */
export const ENTRY_POINTS = [
  "csvToQueue",
  "kinesisToTable",
  "queueToTable",
  "streamAggregate",
  "streamToGlue",
  "streamToQueue",
] as const;

/** One of {@link ENTRY_POINTS}. */
export type EntryPointName = (typeof ENTRY_POINTS)[number];

const PACKAGE_NAME = "dynamodb-pipelines";

const isPackageRoot = (dir: string): boolean => {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
};

/**
 * The package's root directory: the nearest folder above `from` holding the package's
 * package.json.
 * @example packageDir() // "/app/node_modules/dynamodb-pipelines"
 */
export const packageDir = (from: string = dirname(fileURLToPath(import.meta.url))): string => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) return dir;
    if (dirname(dir) === dir)
      throw new Error(`${PACKAGE_NAME}: no package.json named "${PACKAGE_NAME}" above ${from}`);
  }
};

/**
 * The folder holding one entry point's prebuilt bundle (`index.mjs`), ready for
 * `lambda.Code.fromAsset`: `<bundles>/<entryPoint>`, `bundles` being the package's dist/lambda
 * unless given. Fails with the command to run when the bundle is missing.
 * @example lambda.Code.fromAsset(bundleDir("queueToTable"))
 */
export const bundleDir = (entryPoint: EntryPointName, bundles?: string): string => {
  const dir = join(bundles ?? join(packageDir(), "dist", "lambda"), entryPoint);
  if (!existsSync(join(dir, "index.mjs")))
    throw new Error(
      `${PACKAGE_NAME}: ${join(dir, "index.mjs")} is missing; run \`npm run build\` in the package`,
    );
  return dir;
};
