import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { PipelineFunction } from "../../cdk/pipelineFunction.js";
import { kinesisToTablePermissions } from "../../handlers/lambda/permissions.js";
import { resourcesOf, stageBundles, testStack } from "./support.js";

let bundles = "";
beforeAll(async () => {
  bundles = await stageBundles(["kinesisToTable"]);
}, 120_000);

const at = { region: "eu-west-1", account: "123456789012" } as const;

const synth = (
  options: {
    readonly metricsNamespace?: string;
    readonly environment?: Record<string, string>;
  } = {},
) => {
  const stack = testStack();
  const fn = new PipelineFunction(stack, "Events", {
    bundles,
    entryPoint: "kinesisToTable",
    environment: { TABLE_NAME: "EventLogs", ...options.environment },
    permissions: kinesisToTablePermissions({ ...at, tableName: "EventLogs" }),
    ...(options.metricsNamespace === undefined
      ? {}
      : { metricsNamespace: options.metricsNamespace }),
  });
  return { stack, fn, template: Template.fromStack(stack) };
};

/** The only function's environment variables in the template. */
const variablesOf = (template: Template): Record<string, unknown> => {
  const [[, fn] = ["", {}]] = resourcesOf(template, "AWS::Lambda::Function");
  const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> };
  return environment.Variables ?? {};
};

describe("PipelineFunction metrics", () => {
  it("sets Powertools' namespace and service variables to what its metrics and rejects alarm read", () => {
    const { fn, template } = synth();
    expect(variablesOf(template)).toMatchObject({
      TABLE_NAME: "EventLogs",
      POWERTOOLS_METRICS_NAMESPACE: "dynamodb-pipelines",
      POWERTOOLS_SERVICE_NAME: fn.serviceName,
    });
    // Unique in the app, from the construct's path (stack "Test", construct "Events").
    expect(fn.serviceName).toMatch(/^TestEvents[A-Za-z0-9]+$/);
    expect(resourcesOf(template, "AWS::Logs::MetricFilter")).toEqual([]);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "dynamodb-pipelines",
      MetricName: "Rejected",
      Dimensions: Match.arrayWith([
        { Name: "Pipeline", Value: "kinesisToTable" },
        { Name: "service", Value: fn.serviceName },
      ]),
      Statistic: "Sum",
      Period: 300,
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
  });

  it("exposes each count as a metric with the handler's namespace and dimensions", () => {
    const { fn } = synth({ metricsNamespace: "shop/events" });
    for (const [name, metricName] of [
      ["processed", "Processed"],
      ["rejected", "Rejected"],
      ["skipped", "Skipped"],
      ["retried", "Retried"],
    ] as const) {
      const metric = fn.metric(name);
      expect(metric.namespace).toBe("shop/events");
      expect(metric.metricName).toBe(metricName);
      expect(metric.dimensions).toEqual({ service: fn.serviceName, Pipeline: "kinesisToTable" });
      expect(metric.statistic).toBe("Sum");
      expect(metric.period.toMinutes()).toBe(5);
    }
    expect(fn.metric("retried", { statistic: "Maximum" }).statistic).toBe("Maximum");
  });

  it("keeps the alarms true to the handler: a given POWERTOOLS_* variable does not override them", () => {
    const { fn, template } = synth({
      metricsNamespace: "shop/events",
      environment: { POWERTOOLS_SERVICE_NAME: "other", POWERTOOLS_METRICS_NAMESPACE: "other" },
    });
    expect(variablesOf(template)).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: "shop/events",
      POWERTOOLS_SERVICE_NAME: fn.serviceName,
    });
  });

  it("gives two functions of the same entry point different service dimensions", () => {
    const stack = testStack();
    const make = (id: string) =>
      new PipelineFunction(stack, id, {
        bundles,
        entryPoint: "kinesisToTable",
        environment: { TABLE_NAME: id },
        permissions: kinesisToTablePermissions({ ...at, tableName: id }),
      });
    expect(make("A").serviceName).not.toBe(make("B").serviceName);
  });
});
