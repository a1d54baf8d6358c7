import { Stack } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import type { Construct } from "constructs";
import type { AwsLocation, KeyArns } from "../handlers/lambda/permissions.js";

/**
 * The stack's region, account and partition (tokens resolved at deployment), for the entry
 * points' `permissions()`.
 * @example streamToQueuePermissions({ ...locationOf(this), queueName: queue.queueName })
 */
export const locationOf = (scope: Construct): AwsLocation => {
  const stack = Stack.of(scope);
  return { region: stack.region, account: stack.account, partition: stack.partition };
};

/**
 * A table's stream ARN, or an error naming the construct prop that needs one.
 * @example streamArnOf(props.sourceTable, "sourceTable")
 */
export const streamArnOf = (
  table: { readonly tableStreamArn?: string | undefined },
  prop: string,
) => {
  if (table.tableStreamArn === undefined)
    throw new Error(
      `${prop} has no stream: enable one (NEW_AND_OLD_IMAGES) or import the table with tableStreamArn`,
    );
  return table.tableStreamArn;
};

/**
 * A created table seen as `ITable`. CDK declares `Table.tableStreamArn?: string` but
 * `ITable.tableStreamArn?: string | undefined` is what strict `exactOptionalPropertyTypes` asks for:
 * the two agree at run time.
 * @example const table = asITable(new dynamodb.Table(this, "T", { partitionKey }));
 */
export const asITable = (table: dynamodb.Table): dynamodb.ITable =>
  table as unknown as dynamodb.ITable;

/**
 * `{ [field]: key.keyArn }` for a resource encrypted with a customer managed key, for a
 * `permissions()` configuration; nothing for a resource without one (an AWS owned key) or with an
 * AWS managed key (`alias/aws/…`), whose key policy already lets the account's principals use it
 * through the service.
 * @example streamToQueuePermissions({ ...at, queueName, ...keyArnOf("queueKeyArn", queue.encryptionMasterKey) })
 */
export const keyArnOf = <Field extends string>(
  field: Field,
  key: kms.IKey | undefined,
): KeyArns<Field> => {
  if (key === undefined) return {};
  const name = "aliasName" in key ? String(key.aliasName) : key.keyArn;
  if (/(^|:)alias\/aws\//.test(name)) return {};
  return { [field]: key.keyArn } as KeyArns<Field>;
};
