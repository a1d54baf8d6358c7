import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { AggregationPipeline } from "../../cdk/aggregationPipeline.js";
import { resourcesOf, stageBundles, testStack } from "../cdk/support.js";
import {
  coldStart,
  freshTotals,
  order,
  ordersAfter,
  totalsOf,
  windowed,
} from "./aggregationOnLocal.js";

// Lowering the ParallelizationFactor to 1 on a live stack. The mapping names the function
// (FunctionName: Ref), so CloudFormation updates the function before the mapping (it updates a
// resource after those it references): a function told 1 while the mapping still runs 2
// concurrent batches per shard would let a watermark skip records. Hence two deployments
// (docs/guarantees.md, "What an operator may change"): first `watermarks: false` (the handler is
// told nothing: markers, exact under any factor) with the factor lowered, then without it.

describe("streamAggregate: lowering the ParallelizationFactor to 1 on a live stack, in two deployments", () => {
  it("evidence: the mapping references the function, so CloudFormation updates the function's environment first", async () => {
    const bundles = await stageBundles(["streamAggregate"]);
    const stack = testStack();
    new AggregationPipeline(stack, "Totals", {
      functions: { bundles },
      stream: { parallelizationFactor: 1 },
    });
    const template = Template.fromStack(stack);
    const fnId = resourcesOf(template, "AWS::Lambda::Function").find(([, r]) =>
      JSON.stringify(r.Properties).includes("PARALLELIZATION_FACTOR"),
    )?.[0];
    const mapping = resourcesOf(template, "AWS::Lambda::EventSourceMapping")[0]?.[1];
    expect(fnId).toBeDefined();
    expect(mapping?.Properties?.FunctionName).toEqual({ Ref: fnId });
  }, 120_000);

  it("step 1 (`watermarks: false`): the function is told nothing; batches still concurrent (factor 2) all count", async () => {
    const bundles = await stageBundles(["streamAggregate"]);
    const stack = testStack();
    new AggregationPipeline(stack, "Totals", {
      functions: { bundles },
      stream: { parallelizationFactor: 1 },
      watermarks: false,
    });
    const template = Template.fromStack(stack);
    const [, fn] =
      resourcesOf(template, "AWS::Lambda::Function").find(([, r]) =>
        JSON.stringify(r.Properties).includes("TOTALS_TABLE"),
      ) ?? [];
    const variables = (fn?.Properties?.Environment as { Variables?: Record<string, unknown> })
      ?.Variables;
    expect(variables?.PARALLELIZATION_FACTOR).toBeUndefined();
    const { records, shardId } = await ordersAfter([
      { put: order("o1", "A", "1") },
      { put: order("o2", "A", "2") },
      { put: order("o3", "A", "4") },
      { put: order("o4", "A", "8") },
    ]);
    const totals = await freshTotals();
    const handler = await coldStart({ TOTALS_TABLE: totals });
    const context = localContext("streamAggregate", 60_000);
    const [r1, r2, r3, r4] = records;
    if (r1 === undefined || r2 === undefined || r3 === undefined || r4 === undefined)
      throw new Error("4 records expected");
    // The mapping still at factor 2: two batches of the shard, by key; the later one first.
    await handler(windowed([r2, r4], shardId), context);
    await handler(windowed([r1, r3], shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "15" });
    // Step 2, the mapping at 1 and the function told 1: the batch delivered again counts once.
    const told = await coldStart({ TOTALS_TABLE: totals, PARALLELIZATION_FACTOR: "1" });
    await told(windowed(records, shardId), context);
    expect(await totalsOf(totals)).toEqual({ A: "15" });
  }, 120_000);
});
