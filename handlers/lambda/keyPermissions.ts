/**
 * The AWS KMS statements an entry point needs for the resources it calls that are encrypted with
 * a customer managed key. AWS managed keys (`aws/sqs`, `aws/dynamodb`, `aws/kinesis`, `aws/s3`)
 * and AWS owned keys need none: their key policies already let the account's principals use them
 * through the service. Each use below is what the service's documentation asks of the caller on
 * that call path; the resource is the key's ARN, never `*`, and the key's policy must let IAM
 * policies grant its use (a key's default key policy does).
 */
import { allow, checked, type PolicyStatement } from "./iamStatements.js";

/**
 * The KMS actions per call path, each from the service's documentation.
 * @example KEY_USE.sendToQueue // ["kms:GenerateDataKey", "kms:Decrypt"]
 */
export const KEY_USE = {
  /**
   * SQS SendMessage and SendMessageBatch: SQS generates a data key and verifies it before use
   * (Amazon SQS Developer Guide, "Amazon SQS key management", permissions for producers).
   */
  sendToQueue: ["kms:GenerateDataKey", "kms:Decrypt"],
  /**
   * SQS ReceiveMessage, also when Lambda's event source mapping receives with the function's
   * role (same page, permissions for consumers; "Configuring an Amazon SQS queue to trigger a
   * Lambda function": `kms:Decrypt` on the execution role).
   */
  receiveFromQueue: ["kms:Decrypt"],
  /** S3 GetObject of an SSE-KMS object (Amazon S3 User Guide, SSE-KMS). */
  readObjects: ["kms:Decrypt"],
  /**
   * S3 PutObject in one request under SSE-KMS (same guide; a multipart upload would also need
   * `kms:Decrypt`, and the library does not upload in parts).
   */
  writeObjects: ["kms:GenerateDataKey"],
  /**
   * DynamoDB item reads and writes: DynamoDB decrypts the table key with the caller's
   * permission (Amazon DynamoDB Developer Guide, "Encryption at rest: how it works", table keys).
   * DescribeTable reads no item and needs nothing.
   */
  tableItems: ["kms:Decrypt"],
  /**
   * DynamoDB Streams GetRecords, by Lambda's event source mapping: a stream is encrypted with
   * its table's key (DynamoDB encryption at rest usage notes).
   */
  readTableStream: ["kms:Decrypt"],
  /**
   * Kinesis GetRecords, by Lambda's event source mapping (Amazon Kinesis Data Streams Developer
   * Guide, "Permissions to use user-generated KMS keys", consumers).
   */
  readKinesisStream: ["kms:Decrypt"],
} as const satisfies Readonly<Record<string, ReadonlyArray<string>>>;

/**
 * One of {@link KEY_USE}'s call paths.
 * @example const use: KeyUse = "tableItems";
 */
export type KeyUse = keyof typeof KEY_USE;

/**
 * A key ARN fit for an IAM statement's Resource: checked like a name, and not an alias (IAM
 * authorizes a key's use by the key's ARN; an alias ARN in Resource matches no key).
 * @example checkedKeyArn("queueKeyArn", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
 */
export const checkedKeyArn = (field: string, keyArn: string): string => {
  if (/:alias\//.test(checked(field, keyArn)))
    throw new RangeError(
      `${field} must be the key's ARN (arn:…:kms:<region>:<account>:key/<id>), not an alias (got "${keyArn}")`,
    );
  return keyArn;
};

/**
 * The statement for one call path on the key of a resource, or none when the resource has no
 * customer managed key (`keyArn` undefined).
 * @example keyStatements("UseQueueKeyToSend", "sendToQueue", "queueKeyArn", config.queueKeyArn)
 */
export const keyStatements = (
  sid: string,
  use: KeyUse,
  field: string,
  keyArn: string | undefined,
): PolicyStatement[] =>
  keyArn === undefined ? [] : [allow(sid, KEY_USE[use], [checkedKeyArn(field, keyArn)])];

/**
 * The customer managed KMS keys of the resources an entry point names, each optional: give the
 * key ARN (`arn:…:kms:<region>:<account>:key/<id>`, not an alias) of each resource encrypted with
 * a customer managed key, and the statements gain the KMS actions its calls need on that key
 * ({@link KEY_USE}). Leave it out for an AWS owned or AWS managed key.
 * @example const keys: KeyArns<"queueKeyArn"> = { queueKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" };
 */
export type KeyArns<Field extends string> = { readonly [K in Field]?: string };
