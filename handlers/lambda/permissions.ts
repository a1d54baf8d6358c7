/**
 * Least-privilege IAM statements for each entry point, derived from its configuration: the exact
 * actions its code calls on the exact resources it names, kept apart from what Lambda's event
 * source mapping calls with the same role to read the trigger. Pure (no AWS SDK, no CDK): the
 * statements are plain IAM JSON, ready for `PolicyStatement.fromJson`, SAM or Terraform.
 */

/**
 * One IAM policy statement (IAM's JSON form; `Sid` is alphanumeric).
 * @example ({ Sid: "SendToQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: ["arn:aws:sqs:us-east-1:123456789012:rows"] })
 */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: ReadonlyArray<string>;
  readonly Resource: ReadonlyArray<string>;
}

/**
 * What an entry point's execution role needs, split by who makes the calls.
 * @example role.addToPolicy(PolicyStatement.fromJson(permissions.functionCode[0]))
 */
export interface EntryPointPermissions {
  /** Calls the function's own code makes through the AWS SDK. */
  readonly functionCode: ReadonlyArray<PolicyStatement>;
  /**
   * Calls Lambda's event source mapping makes with the function's role to read the trigger
   * (empty when the trigger is not given, or for S3, which invokes the function itself).
   */
  readonly eventSource: ReadonlyArray<PolicyStatement>;
}

/**
 * Where the resources live. Values may be CDK tokens (`Stack.of(this).account`).
 * @example ({ region: "eu-west-1", account: "123456789012" })
 */
export interface AwsLocation {
  readonly region: string;
  readonly account: string;
  /** `aws` (default), `aws-cn`, `aws-us-gov`. */
  readonly partition?: string;
}

/** A name that would widen a grant (IAM wildcards) or name nothing is refused. */
const checked = (field: string, value: string): string => {
  if (value.trim() === "" || /[*?]/.test(value))
    throw new RangeError(`${field} must be a non-empty name without * or ? (got "${value}")`);
  return value;
};

const arnOf = (at: AwsLocation, service: string, resource: string): string =>
  `arn:${checked("partition", at.partition ?? "aws")}:${service}:${checked("region", at.region)}:${checked("account", at.account)}:${resource}`;

const tableArn = (at: AwsLocation, field: string, name: string) =>
  arnOf(at, "dynamodb", `table/${checked(field, name)}`);
const queueArn = (at: AwsLocation, name: string) => arnOf(at, "sqs", checked("queueName", name));

const allow = (
  Sid: string,
  Action: ReadonlyArray<string>,
  Resource: ReadonlyArray<string>,
): PolicyStatement => ({ Sid, Effect: "Allow", Action, Resource });

/** Lambda's DynamoDB stream event source: the four stream reads on the stream. */
const readDynamoDbStream = (streamArn: string | undefined): PolicyStatement[] =>
  streamArn === undefined
    ? []
    : [
        allow(
          "EventSourceReadTableStream",
          [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
          ],
          [checked("sourceStreamArn", streamArn)],
        ),
      ];

/**
 * DynamoDB stream → SQS. Code: `sqs:SendMessage` (which authorizes SendMessageBatch) on the queue.
 * Event source: the source table's stream, when `sourceStreamArn` is given.
 * @example streamToQueuePermissions({ region: "us-east-1", account: "123456789012", queueName: "replica.fifo", sourceStreamArn: table.tableStreamArn })
 */
export const streamToQueuePermissions = (
  config: AwsLocation & { readonly queueName: string; readonly sourceStreamArn?: string },
): EntryPointPermissions => ({
  functionCode: [
    allow("SendChangesToQueue", ["sqs:SendMessage"], [queueArn(config, config.queueName)]),
  ],
  eventSource: readDynamoDbStream(config.sourceStreamArn),
});

/**
 * SQS → table. Code: `dynamodb:DescribeTable` (the key schema, once per cold start) and
 * `dynamodb:BatchWriteItem` on the table; with `versionTable` (VERSION_TABLE), the guarded
 * transactions add `dynamodb:PutItem`/`DeleteItem` on the table and `dynamodb:PutItem` on the
 * version table (TransactWriteItems is authorized per item). Event source: receive, delete and
 * read attributes of `queueName`, when given.
 * @example queueToTablePermissions({ region: "us-east-1", account: "123456789012", tableName: "replica", queueName: "replica.fifo" })
 */
export const queueToTablePermissions = (
  config: AwsLocation & {
    readonly tableName: string;
    readonly versionTable?: string;
    readonly queueName?: string;
  },
): EntryPointPermissions => {
  const table = tableArn(config, "tableName", config.tableName);
  const guarded =
    config.versionTable === undefined
      ? []
      : [
          allow("WriteReplicaInTransactions", ["dynamodb:PutItem", "dynamodb:DeleteItem"], [table]),
          allow(
            "WriteVersionItems",
            ["dynamodb:PutItem"],
            [tableArn(config, "versionTable", config.versionTable)],
          ),
        ];
  return {
    functionCode: [
      allow(
        "WriteReplicaInBatches",
        ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"],
        [table],
      ),
      ...guarded,
    ],
    eventSource:
      config.queueName === undefined
        ? []
        : [
            allow(
              "EventSourceReceiveMessages",
              ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
              [queueArn(config, config.queueName)],
            ),
          ],
  };
};

/**
 * DynamoDB stream → Glue. Code: `glue:StartJobRun` on the job. Event source: the source
 * table's stream, when `sourceStreamArn` is given.
 * @example streamToGluePermissions({ region: "us-east-1", account: "123456789012", jobName: "copy-api-pagos" })
 */
export const streamToGluePermissions = (
  config: AwsLocation & { readonly jobName: string; readonly sourceStreamArn?: string },
): EntryPointPermissions => ({
  functionCode: [
    allow(
      "StartCopyJob",
      ["glue:StartJobRun"],
      [arnOf(config, "glue", `job/${checked("jobName", config.jobName)}`)],
    ),
  ],
  eventSource: readDynamoDbStream(config.sourceStreamArn),
});

/**
 * DynamoDB stream → totals. Code: TransactWriteItems of `ADD` updates and marker puts, i.e.
 * `dynamodb:UpdateItem` and `dynamodb:PutItem` on the totals table; `dynamodb:DescribeTable`
 * (key schema, once per cold start) and `dynamodb:GetItem` (whether a refused record's marker
 * exists). Event source: the orders
 * table's stream, when `sourceStreamArn` is given.
 * @example streamAggregatePermissions({ region: "us-east-1", account: "123456789012", totalsTable: "totals", sourceStreamArn: orders.tableStreamArn })
 */
export const streamAggregatePermissions = (
  config: AwsLocation & { readonly totalsTable: string; readonly sourceStreamArn?: string },
): EntryPointPermissions => ({
  functionCode: [
    allow(
      "AddToTotalsAndMarkRecords",
      ["dynamodb:UpdateItem", "dynamodb:PutItem"],
      [tableArn(config, "totalsTable", config.totalsTable)],
    ),
    allow(
      "ReadKeySchemaAndMarkers",
      ["dynamodb:DescribeTable", "dynamodb:GetItem"],
      [tableArn(config, "totalsTable", config.totalsTable)],
    ),
  ],
  eventSource: readDynamoDbStream(config.sourceStreamArn),
});

/**
 * Kinesis → event-log table. Code: `dynamodb:DescribeTable` (key schema, once per cold start)
 * and `dynamodb:BatchWriteItem` on the table. Event source, when `sourceStreamName` is given:
 * the shard reads on the stream, and `kinesis:ListStreams`, which IAM only grants on `*` (it
 * lists the account's stream names, nothing else).
 * @example kinesisToTablePermissions({ region: "us-east-1", account: "123456789012", tableName: "EventLogs", sourceStreamName: "EventStream" })
 */
export const kinesisToTablePermissions = (
  config: AwsLocation & { readonly tableName: string; readonly sourceStreamName?: string },
): EntryPointPermissions => ({
  functionCode: [
    allow(
      "WriteEventLog",
      ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"],
      [tableArn(config, "tableName", config.tableName)],
    ),
  ],
  eventSource:
    config.sourceStreamName === undefined
      ? []
      : [
          allow(
            "EventSourceReadKinesisStream",
            [
              "kinesis:DescribeStream",
              "kinesis:DescribeStreamSummary",
              "kinesis:GetRecords",
              "kinesis:GetShardIterator",
              "kinesis:ListShards",
            ],
            [
              arnOf(
                config,
                "kinesis",
                `stream/${checked("sourceStreamName", config.sourceStreamName)}`,
              ),
            ],
          ),
          allow("EventSourceListKinesisStreams", ["kinesis:ListStreams"], ["*"]),
        ],
});

/**
 * S3 → SQS. Code: `s3:GetObject` on the bucket's objects (under `keyPrefix`), or
 * `s3:GetObjectVersion` when the bucket is `versioned` (its notifications carry a versionId,
 * and reading a version needs that action); `s3:ListBucket` on the bucket, so a deleted object
 * reads as NoSuchKey (rejected and skipped) rather than AccessDenied (retried as a deployment
 * error); `sqs:SendMessage` on the queue. Event source: none: S3 invokes the function through
 * its resource policy (`lambda:InvokeFunction` for s3.amazonaws.com), not through the role.
 * @example csvToQueuePermissions({ region: "us-east-1", account: "123456789012", bucket: "uploads", keyPrefix: "csv/", queueName: "rows" })
 */
export const csvToQueuePermissions = (
  config: AwsLocation & {
    readonly bucket: string;
    readonly queueName: string;
    readonly keyPrefix?: string;
    readonly versioned?: boolean;
  },
): EntryPointPermissions => {
  const partition = checked("partition", config.partition ?? "aws");
  const bucket = `arn:${partition}:s3:::${checked("bucket", config.bucket)}`;
  const prefix = config.keyPrefix ?? "";
  if (/[*?]/.test(prefix)) throw new RangeError(`keyPrefix must not hold * or ? (got "${prefix}")`);
  return {
    functionCode: [
      allow(
        "ReadUploadedObjects",
        [config.versioned === true ? "s3:GetObjectVersion" : "s3:GetObject"],
        [`${bucket}/${prefix}*`],
      ),
      allow("TellMissingObjects", ["s3:ListBucket"], [bucket]),
      allow("SendRowsToQueue", ["sqs:SendMessage"], [queueArn(config, config.queueName)]),
    ],
    eventSource: [],
  };
};

/**
 * Both halves as one IAM policy document (for SAM `Policies`, Terraform `aws_iam_role_policy`).
 * @example JSON.stringify(policyDocument(streamToGluePermissions({ region, account, jobName })))
 */
export const policyDocument = (permissions: EntryPointPermissions) => ({
  Version: "2012-10-17" as const,
  Statement: [...permissions.functionCode, ...permissions.eventSource],
});
