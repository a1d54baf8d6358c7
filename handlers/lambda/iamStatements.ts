/**
 * The IAM JSON the entry points' `permissions()` are written in (handlers/lambda/permissions.ts,
 * keyPermissions.ts, rejectPermissions.ts), and the checks that keep a configured name from
 * widening a grant. Pure: no AWS SDK, no CDK.
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

/**
 * `value`, unless it would widen a grant (IAM wildcards) or name nothing: then a RangeError
 * naming `field`.
 * @example checked("tableName", config.tableName)
 */
export const checked = (field: string, value: string): string => {
  if (value.trim() === "" || /[*?]/.test(value))
    throw new RangeError(`${field} must be a non-empty name without * or ? (got "${value}")`);
  return value;
};

/**
 * The ARN of `resource` in a regional service, every part checked.
 * @example arnOf(at, "glue", "job/copy") // "arn:aws:glue:eu-west-1:123456789012:job/copy"
 */
export const arnOf = (at: AwsLocation, service: string, resource: string): string =>
  `arn:${checked("partition", at.partition ?? "aws")}:${service}:${checked("region", at.region)}:${checked("account", at.account)}:${resource}`;

/**
 * A DynamoDB table's ARN, its name checked as `field`.
 * @example tableArn(at, "totalsTable", "totals") // "arn:aws:dynamodb:eu-west-1:123456789012:table/totals"
 */
export const tableArn = (at: AwsLocation, field: string, name: string): string =>
  arnOf(at, "dynamodb", `table/${checked(field, name)}`);

/**
 * An SQS queue's ARN, its name checked as `queueName`.
 * @example queueArn(at, "rows.fifo") // "arn:aws:sqs:eu-west-1:123456789012:rows.fifo"
 */
export const queueArn = (at: AwsLocation, name: string): string =>
  arnOf(at, "sqs", checked("queueName", name));

/**
 * One Allow statement.
 * @example allow("SendRowsToQueue", ["sqs:SendMessage"], [queueArn])
 */
export const allow = (
  Sid: string,
  Action: ReadonlyArray<string>,
  Resource: ReadonlyArray<string>,
): PolicyStatement => ({ Sid, Effect: "Allow", Action, Resource });
