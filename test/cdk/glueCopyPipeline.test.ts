import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { GlueCopyPipeline } from "../../cdk/glueCopyPipeline.js";
import type { Mapping } from "../../domain/applyMapping.js";
import {
  expectEveryMappingReportsFailures,
  expectNoWildcardActions,
  iamStatements,
  pipelineFunctions,
  stageBundles,
  testStack,
} from "./support.js";

const mappings: ReadonlyArray<Mapping> = [
  ["id", "string", "id", "string"],
  ["status", "string", "state", "string"],
];

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["streamToGlue"]);
}, 120_000);

const synth = () => {
  const stack = testStack();
  new GlueCopyPipeline(stack, "Payments", { mappings, functions: { bundles } });
  return Template.fromStack(stack);
};

describe("GlueCopyPipeline", () => {
  it("creates a Glue job running the generated script (which names both tables itself)", () => {
    const template = synth();
    template.hasResourceProperties("AWS::Glue::Job", {
      Command: { Name: "glueetl", PythonVersion: "3", ScriptLocation: Match.anyValue() },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      DefaultArguments: { "--job-language": "python" },
    });
  }, 120_000);

  it("runs streamToGlue with GLUE_JOB_NAME, reading the stream forever WITHOUT bisection", () => {
    const template = synth();
    expect(pipelineFunctions(template).map((f) => f.Runtime)).toEqual(["nodejs22.x"]);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ GLUE_JOB_NAME: { Ref: Match.anyValue() } }) },
    });
    expectEveryMappingReportsFailures(template);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "TRIM_HORIZON",
      MaximumRetryAttempts: -1,
      BisectBatchOnFunctionError: false,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it("grants glue:StartJobRun on the job and scoped actions to the job's role, no wildcard", () => {
    const template = synth();
    expectNoWildcardActions(template);
    const actions = iamStatements(template).flatMap((s) =>
      typeof s.Action === "string" ? [s.Action] : s.Action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["glue:StartJobRun", "dynamodb:Scan", "dynamodb:BatchWriteItem"]),
    );
  });

  it("refuses invalid mappings as the CLI does (unknown type, a target mapped twice)", () => {
    const build = (bad: ReadonlyArray<Mapping>) => () =>
      new GlueCopyPipeline(testStack(), "Payments", { mappings: bad, functions: { bundles } });
    expect(build([["id", "string", "id", "nonsense" as "string"]])).toThrow(RangeError);
    expect(
      build([
        ["a", "string", "x", "string"],
        ["b", "string", "x", "string"],
      ]),
    ).toThrow(RangeError);
  });
});
