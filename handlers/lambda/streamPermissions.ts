/**
 * Least-privilege IAM statements of the stream-triggered entry points (streamToQueue,
 * streamToGlue, streamAggregate, kinesisToTable), exported with the others from
 * handlers/lambda/permissions.ts: what the code calls, apart from what Lambda's event source
 * mapping calls with the same role to read the stream.
 */
import {
  type AwsLocation,
  allow,
  arnOf,
  checked,
  type EntryPointPermissions,
  type PolicyStatement,
  queueArn,
  tableArn,
} from "./iamStatements.js";
import { type KeyArns, keyStatements } from "./keyPermissions.js";

/** Lambda's DynamoDB stream event source: the stream reads, and its table's key. */
const readDynamoDbStream = (
  config: { readonly sourceStreamArn?: string } & KeyArns<"sourceStreamKeyArn">,
): PolicyStatement[] =>
  config.sourceStreamArn === undefined
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
          [checked("sourceStreamArn", config.sourceStreamArn)],
        ),
        ...keyStatements(
          "EventSourceDecryptTableStream",
          "readTableStream",
          "sourceStreamKeyArn",
          config.sourceStreamKeyArn,
        ),
      ];

/**
 * DynamoDB stream → SQS. Code: `sqs:SendMessage` (which authorizes SendMessageBatch) on the
 * queue; with `queueKeyArn`, `kms:GenerateDataKey` and `kms:Decrypt` on it. Event source: the
 * source table's stream, when `sourceStreamArn` is given; with `sourceStreamKeyArn` (the table's
 * key), `kms:Decrypt` on it.
 * @example streamToQueuePermissions({ region: "us-east-1", account: "123456789012", queueName: "replica.fifo", sourceStreamArn: table.tableStreamArn })
 */
export const streamToQueuePermissions = (
  config: AwsLocation & {
    readonly queueName: string;
    readonly sourceStreamArn?: string;
  } & KeyArns<"queueKeyArn" | "sourceStreamKeyArn">,
): EntryPointPermissions => ({
  functionCode: [
    allow("SendChangesToQueue", ["sqs:SendMessage"], [queueArn(config, config.queueName)]),
    ...keyStatements("UseQueueKeyToSend", "sendToQueue", "queueKeyArn", config.queueKeyArn),
  ],
  eventSource: readDynamoDbStream(config),
});

/**
 * DynamoDB stream → Glue. Code: `glue:StartJobRun` on the job. Event source: the source
 * table's stream, when `sourceStreamArn` is given, and `kms:Decrypt` on `sourceStreamKeyArn`.
 * @example streamToGluePermissions({ region: "us-east-1", account: "123456789012", jobName: "copy-api-pagos" })
 */
export const streamToGluePermissions = (
  config: AwsLocation & {
    readonly jobName: string;
    readonly sourceStreamArn?: string;
  } & KeyArns<"sourceStreamKeyArn">,
): EntryPointPermissions => ({
  functionCode: [
    allow(
      "StartCopyJob",
      ["glue:StartJobRun"],
      [arnOf(config, "glue", `job/${checked("jobName", config.jobName)}`)],
    ),
  ],
  eventSource: readDynamoDbStream(config),
});

/**
 * DynamoDB stream → totals. Code: TransactWriteItems of `ADD` updates and marker puts, i.e.
 * `dynamodb:UpdateItem` and `dynamodb:PutItem` on the totals table; `dynamodb:DescribeTable`
 * (key schema, once per cold start) and `dynamodb:GetItem` (whether a refused record's marker
 * exists); `kms:Decrypt` on `totalsTableKeyArn`; when `sourceStreamArn` is given,
 * `dynamodb:DescribeStream`, `GetShardIterator` and `GetRecords` on it (a batch without a
 * tumbling window looks its shard up there when a watermark could cover its records: the calls
 * the event source makes with the same role) and `kms:Decrypt` on `sourceStreamKeyArn`. Event
 * source: the orders table's stream, when `sourceStreamArn` is given, and `kms:Decrypt` on
 * `sourceStreamKeyArn`.
 * @example streamAggregatePermissions({ region: "us-east-1", account: "123456789012", totalsTable: "totals", sourceStreamArn: orders.tableStreamArn })
 */
export const streamAggregatePermissions = (
  config: AwsLocation & {
    readonly totalsTable: string;
    readonly sourceStreamArn?: string;
  } & KeyArns<"totalsTableKeyArn" | "sourceStreamKeyArn">,
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
    ...keyStatements(
      "UseTotalsTableKey",
      "tableItems",
      "totalsTableKeyArn",
      config.totalsTableKeyArn,
    ),
    ...(config.sourceStreamArn === undefined
      ? []
      : [
          allow(
            "LookUpShardOfRecord",
            ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"],
            [checked("sourceStreamArn", config.sourceStreamArn)],
          ),
          ...keyStatements(
            "DecryptLookedUpRecord",
            "readTableStream",
            "sourceStreamKeyArn",
            config.sourceStreamKeyArn,
          ),
        ]),
  ],
  eventSource: readDynamoDbStream(config),
});

/**
 * Kinesis → event-log table. Code: `dynamodb:DescribeTable` (key schema, once per cold start)
 * and `dynamodb:BatchWriteItem` on the table; `kms:Decrypt` on `tableKeyArn`. Event source, when
 * `sourceStreamName` is given: the shard reads on the stream, `kms:Decrypt` on
 * `sourceStreamKeyArn`, and `kinesis:ListStreams`, which IAM only grants on `*` (it lists the
 * account's stream names, nothing else).
 * @example kinesisToTablePermissions({ region: "us-east-1", account: "123456789012", tableName: "EventLogs", sourceStreamName: "EventStream" })
 */
export const kinesisToTablePermissions = (
  config: AwsLocation & {
    readonly tableName: string;
    readonly sourceStreamName?: string;
  } & KeyArns<"tableKeyArn" | "sourceStreamKeyArn">,
): EntryPointPermissions => ({
  functionCode: [
    allow(
      "WriteEventLog",
      ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"],
      [tableArn(config, "tableName", config.tableName)],
    ),
    ...keyStatements("UseTableKey", "tableItems", "tableKeyArn", config.tableKeyArn),
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
          ...keyStatements(
            "EventSourceDecryptKinesisStream",
            "readKinesisStream",
            "sourceStreamKeyArn",
            config.sourceStreamKeyArn,
          ),
          allow("EventSourceListKinesisStreams", ["kinesis:ListStreams"], ["*"]),
        ],
});
