/**
 * `npm run synth`: synthesizes examples/cdk/app.ts offline into examples/cdk/cdk.out/ (no AWS
 * account, no CDK CLI), building the package first when a Lambda bundle is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ENTRY_POINTS } from "../../cdk/packageBundle.js";
import { seedApp } from "./app.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
if (ENTRY_POINTS.some((name) => !existsSync(join(root, "dist", "lambda", name, "index.mjs")))) {
  console.log("dist/lambda is incomplete: running npm run build");
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
}

const assembly = seedApp({ outdir: join(here, "cdk.out") }).synth();
for (const stack of assembly.stacks) {
  const resources = Object.values(
    (stack.template as { Resources: Record<string, { Type: string }> }).Resources,
  );
  const count = (type: string) => resources.filter((r) => r.Type === type).length;
  console.log(
    `${stack.stackName}: ${resources.length} resources, ${count("AWS::Lambda::Function")} functions, ` +
      `${count("AWS::Lambda::EventSourceMapping")} event source mappings → ${assembly.directory}`,
  );
}
