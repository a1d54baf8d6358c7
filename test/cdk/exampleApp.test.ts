import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../cdk/packageBundle.js";
import { seedApp } from "../../examples/cdk/app.js";
import {
  expectEveryConsumedQueueHasDlq,
  expectEveryMappingReportsFailures,
  expectNoWildcardActions,
  expectOrderedQueues,
  pipelineFunctions,
  resourcesOf,
  stageBundles,
} from "./support.js";

let template: Template;
let outdir = "";

beforeAll(async () => {
  const bundles = await stageBundles(ENTRY_POINTS);
  outdir = mkdtempSync(join(tmpdir(), "dynamodb-pipelines-cdk-out-"));
  // The same app `npm run synth` synthesizes, offline (no account, no CDK CLI).
  const assembly = seedApp({ outdir, functions: { bundles } }).synth();
  const stack = assembly.getStackByName("DynamoDbPipelinesSeeds");
  template = Template.fromJSON(stack.template as Record<string, unknown>);
}, 180_000);

describe("examples/cdk: the five seed pipelines in one app", () => {
  it("deploys at least six pipeline functions, all on nodejs22.x or nodejs24.x", () => {
    const functions = pipelineFunctions(template);
    expect(functions.length).toBeGreaterThanOrEqual(6);
    for (const f of functions) expect(["nodejs22.x", "nodejs24.x"]).toContain(f.Runtime);
  });

  it("writes each bundle into the cloud assembly as an asset holding index.mjs", () => {
    const assets = readdirSync(outdir).filter((name) => name.startsWith("asset."));
    const bundles = assets.filter((name) => existsSync(join(outdir, name, "index.mjs")));
    expect(bundles.length).toBeGreaterThanOrEqual(6);
    // The Glue job's generated script, a file asset.
    expect(assets.filter((name) => name.endsWith(".py"))).toHaveLength(1);
  });

  it("every event source mapping reports batch item failures", () => {
    expect(expectEveryMappingReportsFailures(template)).toBe(6);
  });

  it("every consumed queue has a dead-letter queue", () => {
    expect(expectEveryConsumedQueueHasDlq(template)).toBe(2);
  });

  it("every consumed queue is FIFO, or its consumer has a VERSION_TABLE", () => {
    expect(expectOrderedQueues(template)).toBe(2);
  });

  it("no IAM statement allows a wildcard action", () => {
    expectNoWildcardActions(template);
  });

  it("keeps the seeds' names", () => {
    const names = resourcesOf(template, "AWS::DynamoDB::Table").map(
      ([, t]) => t.Properties?.TableName,
    );
    expect(names).toEqual(
      expect.arrayContaining(["orders", "api-pagos", "api-pos-backup", "EventLogs", "source"]),
    );
    template.hasResourceProperties("AWS::Kinesis::Stream", { Name: "EventStream" });
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
  });
});
