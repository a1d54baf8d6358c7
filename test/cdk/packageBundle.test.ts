import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleDir, packageDir } from "../../cdk/packageBundle.js";

/** A user's app with the package installed: app/node_modules/dynamodb-pipelines/dist/{cdk,lambda}. */
const installedLayout = () => {
  const app = mkdtempSync(join(tmpdir(), "dynamodb-pipelines-app-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "my-app" }));
  const pkg = join(app, "node_modules", "dynamodb-pipelines");
  mkdirSync(join(pkg, "dist", "cdk"), { recursive: true });
  mkdirSync(join(pkg, "dist", "lambda", "queueToTable"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "dynamodb-pipelines" }));
  writeFileSync(join(pkg, "dist", "lambda", "queueToTable", "index.mjs"), "export {};\n");
  return { app, pkg };
};

describe("the prebuilt bundles, found from the construct module's own location", () => {
  it("from node_modules: the installed package, not the app around it", () => {
    const { pkg } = installedLayout();
    expect(packageDir(join(pkg, "dist", "cdk"))).toBe(pkg);
  });

  it("from the source tree: the repository root", () => {
    expect(packageDir()).toBe(resolve(import.meta.dirname, "..", ".."));
  });

  it("names the bundle folder, or says which command builds it", () => {
    const { pkg } = installedLayout();
    const bundles = join(pkg, "dist", "lambda");
    expect(bundleDir("queueToTable", bundles)).toBe(join(bundles, "queueToTable"));
    expect(() => bundleDir("csvToQueue", bundles)).toThrow(
      /csvToQueue\/index\.mjs is missing; run `npm run build`/,
    );
  });

  it("fails outside any installation of the package", () => {
    const { app } = installedLayout();
    expect(() => packageDir(app)).toThrow(/no package\.json named "dynamodb-pipelines"/);
  });
});
