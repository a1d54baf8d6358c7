import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { GlueCopyPipeline } from "../../cdk/glueCopyPipeline.js";
import { glueCopyScript } from "../../cdk/glueScript.js";
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
  it("creates a Glue job with the generated script and both tables as arguments", () => {
    const template = synth();
    template.hasResourceProperties("AWS::Glue::Job", {
      Command: { Name: "glueetl", PythonVersion: "3", ScriptLocation: Match.anyValue() },
      ExecutionProperty: { MaxConcurrentRuns: 1 },
      DefaultArguments: Match.objectLike({
        "--source_table": Match.anyValue(),
        "--target_table": Match.anyValue(),
      }),
    });
  });

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

  it("writes the ApplyMapping list into the script, and refuses invalid mappings", () => {
    const script = glueCopyScript(mappings);
    expect(script).toContain('("status", "string", "state", "string"),');
    expect(script).toContain('"dynamodb.input.tableName": args["source_table"]');
    expect(() => glueCopyScript([["id", "string", "id", "nonsense" as "string"]])).toThrow(
      RangeError,
    );
    expect(() =>
      glueCopyScript([
        ["a", "string", "x", "string"],
        ["b", "string", "x", "string"],
      ]),
    ).toThrow(RangeError);
  });
});
