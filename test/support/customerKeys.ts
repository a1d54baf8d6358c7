/**
 * What a call on a resource encrypted with a customer managed KMS key needs from that key, as
 * AWS's documentation states it for each call path, written down here independently of the
 * library's statements (handlers/lambda/keyPermissions.ts) so the permission tests can hold those
 * statements to it. Keyed by the IAM action that authorizes the call
 * (test/permissions/awsAuthorizations.ts maps operations to actions):
 *
 * - SQS (Developer Guide, "Amazon SQS key management"): a producer's SendMessage or
 *   SendMessageBatch calls `kms:GenerateDataKey` and `kms:Decrypt` (the new data key is verified
 *   before use); a consumer's ReceiveMessage calls `kms:Decrypt`, Lambda's event source mapping
 *   included ("Configuring an Amazon SQS queue to trigger a Lambda function": add `kms:Decrypt` to
 *   the execution role). Deleting, changing visibility and reading attributes touch no message.
 * - S3 (User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)"): downloading an
 *   object needs `kms:Decrypt`; uploading needs `kms:GenerateDataKey` (a multipart upload also
 *   `kms:Decrypt`; the library uploads in one PutObject). Listing reads no object.
 * - DynamoDB (Developer Guide, "Encryption at rest: how it works", table keys and table key
 *   caching): DynamoDB decrypts the table key with `kms:Decrypt` on behalf of the principal that
 *   accesses the table's items, reads and writes alike; DescribeTable reads metadata only.
 * - DynamoDB Streams ("Encryption at rest usage notes": a stream is encrypted with its table's
 *   key): reading records, GetRecords, needs `kms:Decrypt` on the table's key; describing the
 *   stream, listing streams and getting an iterator read no record.
 * - Kinesis Data Streams (Developer Guide, "Permissions to use user-generated KMS keys"):
 *   producers need `kms:GenerateDataKey`, consumers `kms:Decrypt` for GetRecords, and Lambda
 *   reads with its execution role.
 */

const DECRYPT = ["kms:Decrypt"] as const;
const NONE = [] as const;

const KMS_ACTIONS: Readonly<Record<string, ReadonlyArray<string>>> = {
  "sqs:SendMessage": ["kms:GenerateDataKey", "kms:Decrypt"],
  "sqs:ReceiveMessage": DECRYPT,
  "sqs:DeleteMessage": NONE,
  "sqs:ChangeMessageVisibility": NONE,
  "sqs:GetQueueAttributes": NONE,
  "s3:GetObject": DECRYPT,
  "s3:GetObjectVersion": DECRYPT,
  "s3:PutObject": ["kms:GenerateDataKey"],
  "s3:ListBucket": NONE,
  "dynamodb:GetItem": DECRYPT,
  "dynamodb:BatchGetItem": DECRYPT,
  "dynamodb:Query": DECRYPT,
  "dynamodb:Scan": DECRYPT,
  "dynamodb:PutItem": DECRYPT,
  "dynamodb:UpdateItem": DECRYPT,
  "dynamodb:DeleteItem": DECRYPT,
  "dynamodb:BatchWriteItem": DECRYPT,
  "dynamodb:ConditionCheckItem": DECRYPT,
  "dynamodb:DescribeTable": NONE,
  "dynamodb:GetRecords": DECRYPT,
  "dynamodb:DescribeStream": NONE,
  "dynamodb:GetShardIterator": NONE,
  "dynamodb:ListStreams": NONE,
  "kinesis:GetRecords": DECRYPT,
  "kinesis:PutRecord": ["kms:GenerateDataKey"],
  "kinesis:PutRecords": ["kms:GenerateDataKey"],
  "kinesis:DescribeStream": NONE,
  "kinesis:DescribeStreamSummary": NONE,
  "kinesis:GetShardIterator": NONE,
  "kinesis:ListShards": NONE,
  "kinesis:ListStreams": NONE,
  "glue:StartJobRun": NONE,
};

/**
 * The KMS actions a call authorized by `action` needs on the key of a resource encrypted with a
 * customer managed key. An action not listed throws: a new kind of call needs a reading of AWS's
 * documentation before the tests can judge it.
 * @example kmsActionsOf("sqs:SendMessage") // ["kms:GenerateDataKey", "kms:Decrypt"]
 */
export const kmsActionsOf = (action: string): ReadonlyArray<string> => {
  const actions = KMS_ACTIONS[action];
  if (actions === undefined)
    throw new Error(`${action}: which KMS actions it needs on a customer managed key is not known`);
  return actions;
};

/**
 * A resource encrypted with a customer managed key: `resource` is an IAM resource pattern (a
 * DynamoDB table's stream is `table/<name>/stream/*`, encrypted with the table's key).
 * @example ({ resource: "arn:aws:sqs:us-east-1:123456789012:rows", keyArn: "arn:aws:kms:us-east-1:123456789012:key/rows" })
 */
export interface CustomerKey {
  readonly resource: string;
  readonly keyArn: string;
}
