/**
 * What IAM authorizes for each recorded AWS call (test/support/recordingProxy.ts): the IAM action
 * and resource ARN, as the Service Authorization Reference maps operations to actions
 * (SendMessageBatch → sqs:SendMessage, TransactWriteItems → one PutItem/UpdateItem/DeleteItem/
 * ConditionCheckItem per item, GetObject with a versionId → s3:GetObjectVersion, PUT of an object →
 * s3:PutObject). GetRecords
 * names only a shard iterator: the stream is the one whose GetShardIterator (or GetRecords)
 * answered that iterator. A call this module does not know becomes `<service>:<Operation>` on
 * `unmapped`, which no statement allows, so a new call fails the permission test loudly.
 * `withCustomerKeys` adds what a call on a resource encrypted with a customer managed key needs
 * from that key.
 */
import { type CustomerKey, kmsActionsOf } from "../support/customerKeys.js";
import type { RecordedCall } from "../support/recordingProxy.js";
import { resourceMatches } from "./iamPolicy.js";

/**
 * One authorization a call needed.
 * @example ({ action: "dynamodb:BatchWriteItem", resource: "arn:aws:dynamodb:us-east-1:123456789012:table/replica", operation: "BatchWriteItem" })
 */
export interface Authorization {
  readonly action: string;
  readonly resource: string;
  /** The API operation that needed it. */
  readonly operation: string;
}

const UNMAPPED = "unmapped";

type Json = Readonly<Record<string, unknown>>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null ? (value as Json) : {};
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

const SQS_ACTION: Readonly<Record<string, string>> = {
  SendMessage: "sqs:SendMessage",
  SendMessageBatch: "sqs:SendMessage",
  ReceiveMessage: "sqs:ReceiveMessage",
  DeleteMessage: "sqs:DeleteMessage",
  DeleteMessageBatch: "sqs:DeleteMessage",
  ChangeMessageVisibility: "sqs:ChangeMessageVisibility",
  ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
  GetQueueAttributes: "sqs:GetQueueAttributes",
};

const TRANSACT_ACTION: Readonly<Record<string, string>> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
};

/** `http://host/123456789012/rows.fifo` → `arn:aws:sqs:<region>:123456789012:rows.fifo`. */
const queueArn = (url: string, region: string): string => {
  const [account, name] = new URL(url).pathname.split("/").filter((part) => part !== "");
  return `arn:aws:sqs:${region}:${account}:${name}`;
};

/**
 * Lists, call by call and in order, the IAM authorizations the calls needed. `account` is the
 * account the credentials belong to (DynamoDB, Glue and Kinesis requests carry only names).
 * @example authorizationsOf(proxy.calls, { account: "123456789012" })
 */
export const authorizationsOf = (
  calls: ReadonlyArray<RecordedCall>,
  options: { readonly account: string },
): ReadonlyArray<Authorization> => {
  const streamOfIterator = new Map<string, string>();
  const out: Authorization[] = [];
  for (const call of calls) {
    const { region, operation } = call;
    const add = (action: string, resource: string) => out.push({ action, resource, operation });
    const req = obj(call.request);
    const res = obj(call.response);
    const arn = (service: string, resource: string) =>
      `arn:aws:${service}:${region}:${options.account}:${resource}`;
    const remember = (iterator: unknown, stream: string) => {
      const key = str(iterator);
      if (key !== undefined) streamOfIterator.set(key, stream);
    };

    if (call.target.startsWith("DynamoDBStreams_")) {
      const stream =
        str(req.StreamArn) ?? streamOfIterator.get(str(req.ShardIterator) ?? "") ?? UNMAPPED;
      remember(res.ShardIterator, stream);
      remember(res.NextShardIterator, stream);
      if (operation === "ListStreams")
        add(
          "dynamodb:ListStreams",
          req.TableName ? arn("dynamodb", `table/${req.TableName}/stream/*`) : "*",
        );
      else add(`dynamodb:${operation}`, stream);
    } else if (call.target.startsWith("DynamoDB_")) {
      const table = (name: unknown) => arn("dynamodb", `table/${String(name)}`);
      if (operation === "BatchWriteItem" || operation === "BatchGetItem")
        for (const name of Object.keys(obj(req.RequestItems)))
          add(`dynamodb:${operation}`, table(name));
      else if (operation === "TransactWriteItems")
        for (const item of Array.isArray(req.TransactItems) ? req.TransactItems : [])
          for (const [kind, detail] of Object.entries(obj(item)))
            add(TRANSACT_ACTION[kind] ?? `dynamodb:${kind}`, table(obj(detail).TableName));
      else add(`dynamodb:${operation}`, req.TableName ? table(req.TableName) : UNMAPPED);
    } else if (call.service === "sqs") {
      const url = str(req.QueueUrl);
      add(SQS_ACTION[operation] ?? `sqs:${operation}`, url ? queueArn(url, region) : UNMAPPED);
    } else if (call.service === "glue") {
      add(`glue:${operation}`, req.JobName ? arn("glue", `job/${String(req.JobName)}`) : UNMAPPED);
    } else if (call.service === "kinesis") {
      const named =
        str(req.StreamARN) ??
        (req.StreamName ? arn("kinesis", `stream/${String(req.StreamName)}`) : undefined);
      const stream = named ?? streamOfIterator.get(str(req.ShardIterator) ?? "") ?? UNMAPPED;
      remember(res.ShardIterator, stream);
      remember(res.NextShardIterator, stream);
      add(`kinesis:${operation}`, operation === "ListStreams" ? "*" : stream);
    } else if (call.service === "s3") {
      const url = new URL(call.path, "http://s3.local");
      const [bucket = "", ...key] = url.pathname.slice(1).split("/").map(decodeURIComponent);
      const object = `arn:aws:s3:::${bucket}/${key.join("/")}`;
      const versioned = url.searchParams.has("versionId");
      if (call.method === "GET" || call.method === "HEAD") {
        if (key.length === 0) add("s3:ListBucket", `arn:aws:s3:::${bucket}`);
        else {
          add(versioned ? "s3:GetObjectVersion" : "s3:GetObject", object);
          // S3 answers 404 for a missing object only to callers allowed to list the bucket
          // (others get 403 AccessDenied), so that answer needed s3:ListBucket as well.
          if (call.status === 404 && ["NoSuchKey", "NoSuchVersion"].includes(call.errorCode ?? ""))
            add("s3:ListBucket", `arn:aws:s3:::${bucket}`);
        }
      } else if (call.method === "PUT" && key.length > 0) add("s3:PutObject", object);
      else add(`s3:${call.method}`, object);
    } else add(`${call.service}:${operation}`, UNMAPPED);
  }
  return out;
};

/**
 * The authorizations with, after each call on a resource encrypted with a customer managed key,
 * the KMS actions AWS documents for that call (test/support/customerKeys.ts) on that resource's
 * key, as the same operation needed them.
 * @example withCustomerKeys(authorizationsOf(calls, at), [{ resource: queueArn, keyArn }])
 */
export const withCustomerKeys = (
  authorizations: ReadonlyArray<Authorization>,
  keys: ReadonlyArray<CustomerKey>,
): ReadonlyArray<Authorization> =>
  authorizations.flatMap((authorization) => {
    const key = keys.find(({ resource }) => resourceMatches(resource, authorization.resource));
    if (key === undefined) return [authorization];
    return [
      authorization,
      ...kmsActionsOf(authorization.action).map((action) => ({
        action,
        resource: key.keyArn,
        operation: authorization.operation,
      })),
    ];
  });
