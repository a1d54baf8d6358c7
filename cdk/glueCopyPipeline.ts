/**
 * Seed 001 as one construct: source table stream → streamToGlue → a Glue job copying the table
 * with ApplyMapping into the target table.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as glue from "aws-cdk-lib/aws-glue";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { Mapping } from "../domain/applyMapping.js";
import { keyStatements } from "../handlers/lambda/keyPermissions.js";
import { streamToGluePermissions } from "../handlers/lambda/permissions.js";
import { iteratorAgeAlarm, type StreamSourceOptions, streamSource } from "./eventSources.js";
import { createdTableName, glueScriptAsset, glueTableName } from "./glueScript.js";
import { asITable, keyArnOf, locationOf, streamArnOf } from "./location.js";
import { PipelineFunction, type PipelineFunctionOptions } from "./pipelineFunction.js";
import { dlqDepthAlarm, failureQueue } from "./queues.js";
import {
  type PipelineRejects,
  pipelineRejects,
  type RejectDestinationProp,
} from "./rejectDestination.js";

/**
 * What {@link GlueCopyPipeline} needs; tables are created unless given.
 * A given table encrypted with a customer managed KMS key brings its key (`encryptionKey`;
 * import the table with it): the function (reading the source's stream) and the Glue job's role
 * (scanning and writing items) get `kms:Decrypt` on that key alone.
 * @example ({ mappings: [["id", "string", "id", "string"]], sourceTable: payments })
 */
export interface GlueCopyPipelineProps {
  /** Glue's ApplyMapping: `(sourcePath, sourceType, targetPath, targetType)`. */
  readonly mappings: ReadonlyArray<Mapping>;
  /**
   * The table copied; needs a stream (default: a new table keyed by `id`, string). The script
   * names it: give a name known at synthesis (`Table.fromTableName`, or `tableName`).
   */
  readonly sourceTable?: dynamodb.ITable;
  /** The copy (default: a new table keyed by `id`, string); named like `sourceTable`. */
  readonly targetTable?: dynamodb.ITable;
  /** The job's Glue version (default "4.0") and workers (default 2 × G.1X). */
  readonly glueVersion?: string;
  readonly numberOfWorkers?: number;
  /** Where rejected records go (default: a new SQS queue, 14 days; docs/rejects.md). */
  readonly rejectDestination?: RejectDestinationProp;
  readonly stream?: StreamSourceOptions;
  readonly functions?: PipelineFunctionOptions;
}

/**
 * Table changes → a Glue copy run. Settings it fixes: TRIM_HORIZON, unlimited retries and no
 * record age (a skipped change could leave the copy without it until some later change), partial
 * batch responses, and bisect on error OFF: a batch starts one run, and each retried half would
 * start another full-table copy (or be refused while one runs: the job allows one run at a
 * time, and a refused start is retried until the running copy ends). On-failure queue for what
 * outlives the stream's retention.
 * @example new GlueCopyPipeline(this, "Payments", { mappings, sourceTable: payments })
 */
export class GlueCopyPipeline extends Construct {
  readonly sourceTable: dynamodb.ITable;
  readonly targetTable: dynamodb.ITable;
  readonly job: glue.CfnJob;
  readonly jobRole: iam.Role;
  readonly streamFailures: sqs.Queue;
  readonly startFunction: PipelineFunction;
  /** The reject destination every function writes to (REJECT_DESTINATION). */
  readonly rejects: PipelineRejects;
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: GlueCopyPipelineProps) {
    super(scope, id);
    const table = (name: string, stream: boolean) =>
      asITable(
        new dynamodb.Table(this, name, {
          // A name known now: the script names its tables.
          tableName: createdTableName(this, name),
          partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
          billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
          ...(stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    this.sourceTable = props.sourceTable ?? table("Source", true);
    this.targetTable = props.targetTable ?? table("Target", false);

    // Exactly `dynamodb-pipelines glue-script` for these mappings and tables.
    const script = glueScriptAsset(this, "Script", {
      sourceTable: glueTableName(this.sourceTable, "sourceTable"),
      targetTable: glueTableName(this.targetTable, "targetTable"),
      mappings: props.mappings,
    });

    const at = locationOf(this);
    this.jobRole = new iam.Role(this, "JobRole", {
      assumedBy: new iam.ServicePrincipal("glue.amazonaws.com"),
    });
    const allow = (actions: string[], resources: string[]) =>
      this.jobRole.addToPolicy(new iam.PolicyStatement({ actions, resources }));
    allow(["dynamodb:DescribeTable", "dynamodb:Scan"], [this.sourceTable.tableArn]);
    allow(["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"], [this.targetTable.tableArn]);
    // Tables with a customer managed key: the job reads and writes their items.
    const keyArn = (table: dynamodb.ITable) => keyArnOf("keyArn", table.encryptionKey).keyArn;
    for (const statement of [
      ...keyStatements(
        "UseSourceTableKey",
        "tableItems",
        "sourceTable's key",
        keyArn(this.sourceTable),
      ),
      ...keyStatements(
        "UseTargetTableKey",
        "tableItems",
        "targetTable's key",
        keyArn(this.targetTable),
      ),
    ])
      this.jobRole.addToPolicy(iam.PolicyStatement.fromJson(statement));
    allow(["s3:GetObject"], [script.bucket.arnForObjects(script.s3ObjectKey)]);
    allow(
      ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      [`arn:${at.partition}:logs:${at.region}:${at.account}:log-group:/aws-glue/*`],
    );

    this.job = new glue.CfnJob(this, "Job", {
      role: this.jobRole.roleArn,
      command: { name: "glueetl", pythonVersion: "3", scriptLocation: script.s3ObjectUrl },
      glueVersion: props.glueVersion ?? "4.0",
      workerType: "G.1X",
      numberOfWorkers: props.numberOfWorkers ?? 2,
      executionProperty: { maxConcurrentRuns: 1 },
      defaultArguments: { "--job-language": "python" },
      description: "dynamodb-pipelines: copies the source table with ApplyMapping",
    });

    this.streamFailures = failureQueue(this, "StreamFailures");
    const sourceStreamArn = streamArnOf(this.sourceTable, "sourceTable");
    this.startFunction = new PipelineFunction(this, "StreamToGlue", {
      ...props.functions,
      entryPoint: "streamToGlue",
      environment: { GLUE_JOB_NAME: this.job.ref },
      permissions: streamToGluePermissions({
        ...at,
        jobName: this.job.ref,
        sourceStreamArn,
        ...keyArnOf("sourceStreamKeyArn", this.sourceTable.encryptionKey),
      }),
    });
    this.rejects = pipelineRejects(this, props.rejectDestination);
    this.rejects.wire(this.startFunction.function);
    streamSource(this.startFunction.function, "SourceStream", {
      bisectBatchOnError: false,
      ...props.stream,
      eventSourceArn: sourceStreamArn,
      onFailure: this.streamFailures,
    });
    this.alarms = [
      iteratorAgeAlarm(this.startFunction, this.startFunction.function),
      dlqDepthAlarm(this, "StreamFailuresAlarm", this.streamFailures),
      this.startFunction.rejectsAlarm,
      ...this.rejects.alarms,
    ];
  }
}
