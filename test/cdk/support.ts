/**
 * Shared helpers of the CDK construct tests: bundles staged in a temporary folder (so a
 * concurrent `npm run build`, which empties dist/, cannot race these tests) and checks run on a
 * synthesized CloudFormation template.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import { build } from "esbuild";
import { expect } from "vitest";
import { bundleOptions } from "../../bin/bundleOptions.js";
import type { EntryPointName } from "../../cdk/packageBundle.js";

/**
 * Bundles the entry points with the package's esbuild settings into `<temp>/<name>/index.mjs`.
 * @example const bundles = await stageBundles(["queueToTable"]);
 */
export const stageBundles = async (names: ReadonlyArray<EntryPointName>): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), "dynamodb-pipelines-cdk-"));
  await Promise.all(
    names.map((name) =>
      build({
        ...bundleOptions,
        entryPoints: [`handlers/${name}.ts`],
        outfile: join(dir, name, "index.mjs"),
      }),
    ),
  );
  return dir;
};

/**
 * A stack in a fixed account and region (so ARNs resolve to text where CDK can).
 * @example const stack = testStack();
 */
export const testStack = (): Stack =>
  new Stack(undefined, "Test", { env: { account: "123456789012", region: "eu-west-1" } });

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/**
 * The resources of `type` in the template, by logical id.
 * @example resourcesOf(template, "AWS::Lambda::Function")
 */
export const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);

interface Statement {
  readonly Effect: string;
  readonly Action: string | ReadonlyArray<string>;
  readonly Resource: unknown;
}

/**
 * Every statement of every IAM policy (inline role policies included).
 * @example iamStatements(template).filter((s) => s.Effect === "Allow")
 */
export const iamStatements = (template: Template): ReadonlyArray<Statement> => {
  const documents = [
    ...resourcesOf(template, "AWS::IAM::Policy").map(([, r]) => r.Properties?.PolicyDocument),
    ...resourcesOf(template, "AWS::IAM::Role").flatMap(([, r]) =>
      ((r.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map(
        (p) => p.PolicyDocument,
      ),
    ),
  ] as Array<{ Statement: Statement[] }>;
  return documents.flatMap((d) => d.Statement);
};

const actionsOf = (s: Statement): ReadonlyArray<string> =>
  typeof s.Action === "string" ? [s.Action] : s.Action;

/**
 * No Allow statement grants `*` or `<service>:*` (or any wildcard in an action).
 * @example expectNoWildcardActions(template)
 */
export const expectNoWildcardActions = (template: Template): void => {
  const allows = iamStatements(template).filter((s) => s.Effect === "Allow");
  expect(allows.length).toBeGreaterThan(0);
  expect(allows.flatMap(actionsOf).filter((a) => a.includes("*"))).toEqual([]);
};

/**
 * Every event source mapping reports batch item failures.
 * @example expectEveryMappingReportsFailures(template)
 */
export const expectEveryMappingReportsFailures = (template: Template): number => {
  const mappings = resourcesOf(template, "AWS::Lambda::EventSourceMapping");
  expect(mappings.length).toBeGreaterThan(0);
  for (const [, m] of mappings)
    expect(m.Properties?.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  return mappings.length;
};

/**
 * Every queue an event source mapping consumes has a redrive policy (a dead-letter queue with a
 * receive count).
 * @example expectEveryConsumedQueueHasDlq(template)
 */
export const expectEveryConsumedQueueHasDlq = (template: Template): number => {
  const queues = Object.fromEntries(resourcesOf(template, "AWS::SQS::Queue"));
  const consumed = resourcesOf(template, "AWS::Lambda::EventSourceMapping")
    .map(([, m]) => m.Properties?.EventSourceArn as { "Fn::GetAtt"?: [string, string] })
    .map((arn) => arn["Fn::GetAtt"])
    .filter((getAtt) => getAtt !== undefined && queues[getAtt[0]] !== undefined)
    .map((getAtt) => queues[getAtt?.[0] ?? ""]);
  for (const queue of consumed) {
    const redrive = queue?.Properties?.RedrivePolicy as { maxReceiveCount?: number } | undefined;
    expect(redrive?.maxReceiveCount).toBeGreaterThan(0);
  }
  return consumed.length;
};

/**
 * Checks that every queue a function consumes is FIFO, or that the function has a VERSION_TABLE
 * (queueToTable refuses a standard queue without one); returns how many mappings it checked.
 * @example expectOrderedQueues(template) // 2
 */
export const expectOrderedQueues = (template: Template): number => {
  const queues = Object.fromEntries(resourcesOf(template, "AWS::SQS::Queue"));
  const functions = Object.fromEntries(resourcesOf(template, "AWS::Lambda::Function"));
  let checked = 0;
  for (const [, mapping] of resourcesOf(template, "AWS::Lambda::EventSourceMapping")) {
    const arn = mapping.Properties?.EventSourceArn as { "Fn::GetAtt"?: [string, string] };
    const queue = queues[arn["Fn::GetAtt"]?.[0] ?? ""];
    if (queue === undefined) continue;
    const target = mapping.Properties?.FunctionName as { Ref?: string } | undefined;
    const environment = functions[target?.Ref ?? ""]?.Properties?.Environment as
      | { Variables?: Record<string, unknown> }
      | undefined;
    const ordered =
      queue.Properties?.FifoQueue === true || environment?.Variables?.VERSION_TABLE !== undefined;
    expect(ordered).toBe(true);
    checked += 1;
  }
  return checked;
};

/**
 * The pipeline functions (the package's bundles: `index.handler`) and their runtimes.
 * @example pipelineFunctions(template).map((f) => f.Runtime)
 */
export const pipelineFunctions = (template: Template) =>
  resourcesOf(template, "AWS::Lambda::Function")
    .map(([, r]) => r.Properties as Record<string, unknown>)
    .filter(
      (p) => p.Handler === "index.handler" && /dynamodb-pipelines/.test(String(p.Description)),
    );
