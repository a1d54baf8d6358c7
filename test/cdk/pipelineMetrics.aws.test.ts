import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Template } from "aws-cdk-lib/assertions";
import type { Context } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { createKeyedTable } from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import { PipelineFunction } from "../../cdk/pipelineFunction.js";
import { kinesisToTablePermissions } from "../../handlers/lambda/permissions.js";
import { setHandlerEnvironment } from "../support/awsPipelines.js";
import { captureEmf, emfProblems } from "../support/emfLog.js";
import { emulatorClients, uniqueName } from "../support/emulators.js";
import { kinesisEvent, kinesisRecord } from "../support/kinesis.js";
import { resourcesOf, stageBundles, testStack } from "./support.js";

/**
 * The rejects alarm a construct deploys watches the very metric its bundle publishes: the
 * bundle's handler, run with the function's Powertools variables from the synthesized template,
 * writes an EMF line whose namespace and dimensions are the alarm's, and a reject breaches it.
 */
let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["kinesisToTable"]);
}, 120_000);

interface AlarmProperties {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly Threshold: number;
}

describe("the rejects alarm and the handler's EMF line agree", () => {
  it("a rejected Kinesis record published by the bundle lands in the alarm's metric", async () => {
    const stack = testStack();
    new PipelineFunction(stack, "Events", {
      bundles,
      entryPoint: "kinesisToTable",
      environment: { TABLE_NAME: "EventLogs" },
      permissions: kinesisToTablePermissions({
        region: "eu-west-1",
        account: "123456789012",
        tableName: "EventLogs",
      }),
      metricsNamespace: "shop/events",
    });
    const template = Template.fromStack(stack);
    const [[, fn] = ["", {}]] = resourcesOf(template, "AWS::Lambda::Function");
    const environment = fn.Properties?.Environment as { Variables?: Record<string, string> };
    const variables = environment.Variables ?? {};
    const [[, alarm] = ["", {}]] = resourcesOf(template, "AWS::CloudWatch::Alarm");
    const watched = alarm.Properties as unknown as AlarmProperties;

    const table = uniqueName("EventLogs");
    await createKeyedTable(emulatorClients().dynamodb, table, { partitionKey: "eventId" });
    setHandlerEnvironment({
      TABLE_NAME: table,
      POWERTOOLS_METRICS_NAMESPACE: variables.POWERTOOLS_METRICS_NAMESPACE ?? "",
      POWERTOOLS_SERVICE_NAME: variables.POWERTOOLS_SERVICE_NAME ?? "",
    });
    const bundle = pathToFileURL(join(bundles, "kinesisToTable", "index.mjs")).href;
    const { handler } = (await import(bundle)) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const emf = captureEmf();
    const rejects = captureRejectLog();
    try {
      const event = kinesisEvent([kinesisRecord(), kinesisRecord({ raw: "%%% not base64 %%%" })]);
      expect(await handler(event, localContext("kinesisToTable"))).toEqual({
        batchItemFailures: [],
      });
    } finally {
      rejects.stop();
      emf.stop();
    }
    expect(emf.documents).toHaveLength(1);
    const [doc] = emf.documents;
    expect(emfProblems(doc)).toEqual([]);
    const [directive] = doc?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe(watched.Namespace);
    expect(directive?.Metrics.map((m) => m.Name)).toContain(watched.MetricName);
    expect(directive?.Dimensions).toHaveLength(1);
    const published = Object.fromEntries(
      (directive?.Dimensions[0] ?? []).map((name) => [name, doc?.[name]]),
    );
    expect(published).toEqual(
      Object.fromEntries(watched.Dimensions.map(({ Name, Value }) => [Name, Value])),
    );
    // One record rejected: over the alarm's threshold (0), so the alarm fires.
    expect(doc?.[watched.MetricName]).toBe(1);
    expect(doc?.[watched.MetricName]).toBeGreaterThan(watched.Threshold);
  }, 120_000);
});
