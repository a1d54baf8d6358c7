/**
 * One pipeline's Lambda function: the package's prebuilt bundle (no bundling on the user's
 * side), `index.handler`, Node.js 22 (or 24), its own log group, the IAM statements of the entry
 * point's `permissions()` and nothing wider, the handler's metrics (published in CloudWatch's
 * Embedded Metric Format, handlers/lambda/batchMetrics.ts) and an alarm on its rejects.
 */
import { Duration, Names, RemovalPolicy } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import {
  DEFAULT_METRICS_NAMESPACE,
  METRIC_NAMES,
  type PipelineMetricName,
} from "../handlers/lambda/metricNames.js";
import type { EntryPointPermissions } from "../handlers/lambda/permissions.js";
import { bundleDir, type EntryPointName } from "./packageBundle.js";

/**
 * The Node.js runtimes the bundles are built for (target node22).
 * @example const runtime: PipelineRuntime = "nodejs24.x";
 */
export type PipelineRuntime = "nodejs22.x" | "nodejs24.x";

/**
 * Settings of a pipeline's functions, common to every construct.
 * @example new AggregationPipeline(this, "Totals", { functions: { runtime: "nodejs24.x", memorySize: 512 } })
 */
export interface PipelineFunctionOptions {
  /** Default `nodejs22.x`. */
  readonly runtime?: PipelineRuntime;
  /** Default 256 MB. */
  readonly memorySize?: number;
  /** Default 60 seconds (SQS visibility timeouts are set from it). */
  readonly timeout?: Duration;
  /** Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A folder holding `<entryPoint>/index.mjs` bundles to deploy instead of the package's prebuilt
   * dist/lambda (e.g. bundles you built from a patched copy).
   */
  readonly bundles?: string;
  /** The metrics' namespace (`POWERTOOLS_METRICS_NAMESPACE`); default `dynamodb-pipelines`. */
  readonly metricsNamespace?: string;
}

/**
 * What {@link PipelineFunction} needs: the entry point, its environment and its permissions.
 * @example ({ entryPoint: "queueToTable", environment: { TABLE_NAME: table.tableName }, permissions })
 */
export interface PipelineFunctionProps extends PipelineFunctionOptions {
  readonly entryPoint: EntryPointName;
  readonly environment: Readonly<Record<string, string>>;
  readonly permissions: EntryPointPermissions;
}

/**
 * The function's timeout when none is given.
 * @example const visibility = DEFAULT_TIMEOUT.toSeconds() * 6;
 */
export const DEFAULT_TIMEOUT = Duration.seconds(60);

/**
 * A Lambda function running one of the package's entry points, with least-privilege IAM, its
 * metrics (the handler publishes Processed, Rejected, Skipped and Retried once per invocation,
 * dimensions `service` = this construct's unique id, set as `POWERTOOLS_SERVICE_NAME`, and
 * `Pipeline` = the entry point; docs/metrics.md) and a reject alarm on the `Rejected` metric.
 * @example const fn = new PipelineFunction(this, "Replica", { entryPoint: "queueToTable", environment, permissions });
 */
export class PipelineFunction extends Construct {
  /** The function. */
  readonly function: lambda.Function;
  /** Its log group. */
  readonly logGroup: logs.LogGroup;
  /** The handler's metrics' namespace. */
  readonly metricsNamespace: string;
  /** The `service` dimension of its metrics (its `POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** Records rejected (the `Rejected` metric), summed per 5 minutes. */
  readonly rejectsMetric: cloudwatch.Metric;
  /** In alarm when any record was rejected. */
  readonly rejectsAlarm: cloudwatch.Alarm;
  /** The entry point it runs (the `Pipeline` dimension of its metrics). */
  readonly entryPoint: EntryPointName;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.entryPoint = props.entryPoint;
    this.metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    this.serviceName = Names.uniqueId(this);
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.function = new lambda.Function(this, "Function", {
      code: lambda.Code.fromAsset(bundleDir(props.entryPoint, props.bundles)),
      handler: "index.handler",
      runtime:
        props.runtime === "nodejs24.x" ? lambda.Runtime.NODEJS_24_X : lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? DEFAULT_TIMEOUT,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
        // What metric() reads: set last, so the alarms always watch what the handler publishes.
        POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
        POWERTOOLS_SERVICE_NAME: this.serviceName,
      },
      logGroup: this.logGroup,
      description: `dynamodb-pipelines ${props.entryPoint}`,
    });
    for (const statement of [...props.permissions.functionCode, ...props.permissions.eventSource])
      this.function.addToRolePolicy(iam.PolicyStatement.fromJson(statement));

    this.rejectsMetric = this.metric("rejected");
    this.rejectsAlarm = this.rejectsMetric.createAlarm(this, "RejectsAlarm", {
      alarmDescription: `${props.entryPoint} rejected records as invalid (see its "rejected":true log lines)`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * One of the handler's per-invocation counts as a CloudWatch metric: `Sum` per 5 minutes
   * unless `options` say otherwise (docs/metrics.md).
   * @example fn.metric("retried").createAlarm(this, "Retries", { threshold: 100, evaluationPeriods: 3 })
   */
  metric(name: PipelineMetricName, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricsNamespace,
      metricName: METRIC_NAMES[name],
      dimensionsMap: { service: this.serviceName, Pipeline: this.entryPoint },
      statistic: "Sum",
      period: Duration.minutes(5),
      ...options,
    });
  }
}
