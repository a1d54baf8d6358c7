/**
 * Least-privilege IAM statements for each entry point, derived from its configuration: the exact
 * actions its code calls on the exact resources it names, kept apart from what Lambda's event
 * source mapping calls with the same role to read the trigger, and the KMS actions on the
 * customer managed keys of the resources it names. Pure (no AWS SDK, no CDK): the statements are
 * plain IAM JSON, ready for `PolicyStatement.fromJson`, SAM or Terraform. The stream-triggered
 * entry points are written in streamPermissions.ts and exported from here with the others.
 */

import {
  type AwsLocation,
  allow,
  checked,
  type EntryPointPermissions,
  queueArn,
  tableArn,
} from "./iamStatements.js";
import { type KeyArns, keyStatements } from "./keyPermissions.js";

export type { AwsLocation, EntryPointPermissions, PolicyStatement } from "./iamStatements.js";
export type { KeyArns } from "./keyPermissions.js";
export {
  kinesisToTablePermissions,
  streamAggregatePermissions,
  streamToGluePermissions,
  streamToQueuePermissions,
} from "./streamPermissions.js";

/**
 * SQS → table. Code: `dynamodb:DescribeTable` (the key schema, once per cold start) and
 * `dynamodb:BatchWriteItem` on the table; with `versionTable` (VERSION_TABLE), the guarded
 * transactions add `dynamodb:PutItem`/`DeleteItem` on the table and `dynamodb:PutItem` on the
 * version table (TransactWriteItems is authorized per item); `kms:Decrypt` on `tableKeyArn` and
 * `versionTableKeyArn`. Event source: receive, delete and read attributes of `queueName`, when
 * given, and `kms:Decrypt` on `queueKeyArn`.
 * @example queueToTablePermissions({ region: "us-east-1", account: "123456789012", tableName: "replica", queueName: "replica.fifo" })
 */
export const queueToTablePermissions = (
  config: AwsLocation & {
    readonly tableName: string;
    readonly versionTable?: string;
    readonly queueName?: string;
  } & KeyArns<"tableKeyArn" | "versionTableKeyArn" | "queueKeyArn">,
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
          ...keyStatements(
            "UseVersionTableKey",
            "tableItems",
            "versionTableKeyArn",
            config.versionTableKeyArn,
          ),
        ];
  return {
    functionCode: [
      allow(
        "WriteReplicaInBatches",
        ["dynamodb:DescribeTable", "dynamodb:BatchWriteItem"],
        [table],
      ),
      ...keyStatements("UseTableKey", "tableItems", "tableKeyArn", config.tableKeyArn),
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
            ...keyStatements(
              "EventSourceDecryptMessages",
              "receiveFromQueue",
              "queueKeyArn",
              config.queueKeyArn,
            ),
          ],
  };
};

/**
 * S3 → SQS. Code: `s3:GetObject` on the bucket's objects (under `keyPrefix`), or
 * `s3:GetObjectVersion` when the bucket is `versioned` (its notifications carry a versionId,
 * and reading a version needs that action), and `kms:Decrypt` on `bucketKeyArn` (SSE-KMS);
 * `s3:ListBucket` on the bucket, so a deleted object reads as NoSuchKey (rejected and skipped)
 * rather than AccessDenied (retried as a deployment error); `sqs:SendMessage` on the queue, and
 * `kms:GenerateDataKey`, `kms:Decrypt` on `queueKeyArn`. Event source: none: S3 invokes the
 * function through its resource policy (`lambda:InvokeFunction` for s3.amazonaws.com), not
 * through the role.
 * @example csvToQueuePermissions({ region: "us-east-1", account: "123456789012", bucket: "uploads", keyPrefix: "csv/", queueName: "rows" })
 */
export const csvToQueuePermissions = (
  config: AwsLocation & {
    readonly bucket: string;
    readonly queueName: string;
    readonly keyPrefix?: string;
    readonly versioned?: boolean;
  } & KeyArns<"bucketKeyArn" | "queueKeyArn">,
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
      ...keyStatements(
        "DecryptUploadedObjects",
        "readObjects",
        "bucketKeyArn",
        config.bucketKeyArn,
      ),
      allow("TellMissingObjects", ["s3:ListBucket"], [bucket]),
      allow("SendRowsToQueue", ["sqs:SendMessage"], [queueArn(config, config.queueName)]),
      ...keyStatements("UseQueueKeyToSend", "sendToQueue", "queueKeyArn", config.queueKeyArn),
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
