/**
 * The calls a construct's principals (each function's role, the Glue job's) make, and whether
 * their synthesized IAM policies allow them: each call with the KMS actions AWS documents for it
 * when its resource is encrypted with a customer managed key (test/support/customerKeys.ts), the
 * template's values evaluated as deployed (test/cdk/deployedValues.ts).
 */
import { type CfnElement, type Stack, Token } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { PipelineFunction } from "../../cdk/pipelineFunction.js";
import { isAllowed } from "../permissions/iamPolicy.js";
import { kmsActionsOf } from "../support/customerKeys.js";
import { deployedValues } from "./deployedValues.js";
import { resourcesOf } from "./support.js";

/**
 * One call a principal makes: the IAM action, the resource (a CDK value) and the resource's key.
 * @example ({ action: "sqs:SendMessage", resource: queue.queueArn, key: queue.encryptionMasterKey })
 */
export interface Call {
  readonly action: string;
  readonly resource: unknown;
  readonly key?: kms.IKey | undefined;
}

/**
 * A principal of a construct and the calls it makes.
 * @example ({ name: fn.node.path, role: fn.role, calls: onTable(table, "dynamodb:PutItem") })
 */
export interface Caller {
  readonly name: string;
  readonly role: iam.IRole;
  readonly calls: ReadonlyArray<Call>;
}

/**
 * What Lambda's event source mapping calls to read a table's stream.
 * @example reads(orders)
 */
export const reads = (table: dynamodb.ITable): Call[] =>
  ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"].map((action) => ({
    action,
    resource: table.tableStreamArn,
    key: table.encryptionKey,
  }));

/**
 * Calls on a table's items (or its description).
 * @example onTable(totals, "dynamodb:UpdateItem", "dynamodb:PutItem")
 */
export const onTable = (table: dynamodb.ITable, ...actions: string[]): Call[] =>
  actions.map((action) => ({ action, resource: table.tableArn, key: table.encryptionKey }));

/**
 * Calls on a queue.
 * @example onQueue(rows, "sqs:SendMessage")
 */
export const onQueue = (queue: sqs.IQueue, ...actions: string[]): Call[] =>
  actions.map((action) => ({ action, resource: queue.queueArn, key: queue.encryptionMasterKey }));

/**
 * A pipeline function as a caller: its calls and those to the reject destination.
 * @example fnCaller(p.readFunction, onQueue(p.queue, "sqs:SendMessage"), rejects.call)
 */
export const fnCaller = (
  fn: PipelineFunction,
  calls: Call[],
  rejects: (fn: PipelineFunction) => Call[],
): Caller => ({
  name: fn.node.path,
  role: fn.function.role as iam.IRole,
  calls: [...calls, ...rejects(fn)],
});

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** The statements of the inline policies attached to the role with this logical id. */
const roleStatements = (template: Template, roleId: string): Statement[] =>
  resourcesOf(template, "AWS::IAM::Policy")
    .map(([, r]) => r.Properties ?? {})
    .filter((p) =>
      (p.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap((p) => (p.PolicyDocument as { Statement: Statement[] }).Statement);

const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(String);

interface Grant {
  readonly action: string;
  readonly resource: string;
}
const isKms = ({ action }: Grant) => action.startsWith("kms:");
const pairs = (all: ReadonlyArray<Grant>) =>
  [...new Set(all.map(({ action, resource }) => `${action} on ${resource}`))].sort();

/**
 * Per principal: the calls (KMS included) its role does not allow, the KMS grants it has and the
 * KMS grants its calls need, each as sorted `action on resource` lines.
 * @example expect(roleReport(stack, template, callers)).toEqual(…)
 */
export const roleReport = (stack: Stack, template: Template, callers: ReadonlyArray<Caller>) => {
  const deployed = deployedValues(stack, template);
  return callers.map((caller) => {
    const roleId = stack.getLogicalId(caller.role.node.defaultChild as CfnElement);
    const statements = roleStatements(template, roleId).map((s) => ({
      Sid: "",
      Effect: "Allow" as const,
      Action: list(s.Action),
      Resource: list(deployed.evaluate(s.Resource)),
    }));
    const needed = caller.calls.flatMap((call) => {
      const resource = Token.isUnresolved(call.resource)
        ? deployed.string(call.resource)
        : String(call.resource);
      const keyArn = call.key === undefined ? undefined : deployed.string(call.key.keyArn);
      return [
        { action: call.action, resource },
        ...(keyArn === undefined
          ? []
          : kmsActionsOf(call.action).map((action) => ({ action, resource: keyArn }))),
      ];
    });
    const granted = statements.flatMap((s) =>
      s.Action.flatMap((action) => s.Resource.map((resource) => ({ action, resource }))),
    );
    return {
      caller: caller.name,
      denied: pairs(needed.filter((n) => !isAllowed(statements, n.action, n.resource))),
      kmsGranted: pairs(granted.filter(isKms)),
      kmsNeeded: pairs(needed.filter(isKms)),
    };
  });
};
