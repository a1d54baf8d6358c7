/**
 * Where a construct's functions write their reject documents (docs/rejects.md): a queue created
 * here, or the queue or bucket prefix the user gives. One value of `REJECT_DESTINATION` for all
 * the construct's functions and exactly the statements `rejectDestinationPermissions` returns.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { checkedKeyArn } from "../handlers/lambda/keyPermissions.js";
import type { PolicyStatement } from "../handlers/lambda/permissions.js";
import { rejectDestinationPermissions } from "../handlers/lambda/rejectPermissions.js";
import { keyArnOf, locationOf } from "./location.js";

/**
 * A given reject destination: an SQS queue, or an S3 bucket and key prefix. A queue or bucket
 * encrypted with a customer managed key brings it (`queue.encryptionMasterKey`,
 * `bucket.encryptionKey`; import them with `keyArn` / `encryptionKey`), and the functions are
 * granted what writing needs on it.
 * @example const rejectDestination: RejectDestinationProp = { bucket: opsBucket, prefix: "rejects/" };
 */
export type RejectDestinationProp =
  | sqs.IQueue
  | { readonly bucket: s3.IBucket; readonly prefix: string };

/**
 * A construct's reject destination, ready to wire into its functions.
 * @example for (const fn of functions) rejects.wire(fn.function)
 */
export interface PipelineRejects {
  /** The queue created here (undefined when one was given). */
  readonly createdQueue: sqs.Queue | undefined;
  /** `REJECT_DESTINATION`: the queue URL or `s3://bucket/prefix` (tokens resolved at deployment). */
  readonly destination: string;
  /** `rejectDestinationPermissions(at, destination, { keyArn })`, the CDK tokens in place. */
  readonly statements: ReadonlyArray<PolicyStatement>;
  /**
   * On a created queue: in alarm when a reject document waited 7 days unread (SQS deletes it at
   * 14). The rejects metric says records were rejected; this says their documents are about to
   * be lost without a replay. None on a given destination: its owner decides.
   */
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>;
  /** Sets `REJECT_DESTINATION` on the function and grants it the statements. */
  readonly wire: (fn: lambda.Function) => void;
}

const isQueue = (given: RejectDestinationProp): given is sqs.IQueue => "queueArn" in given;

/**
 * Placeholders for the parts CDK only knows at deployment (region, account, names): the
 * library's parser reads a concrete URL, then each placeholder becomes its token again.
 */
const PLACEHOLDER = {
  partition: "partitionplaceholder",
  region: "regionplaceholder",
  account: "000000000000",
  name: "nameplaceholder",
  bucket: "bucketplaceholder",
  // Substituted last, so nothing in the key's ARN is taken for another placeholder.
  keyArn: "keyarnplaceholder",
} as const;

const substitute = (
  statements: ReadonlyArray<PolicyStatement>,
  values: Readonly<Record<string, string>>,
): PolicyStatement[] =>
  JSON.parse(
    Object.entries(values).reduce(
      (text, [placeholder, value]) => text.split(placeholder).join(value),
      JSON.stringify(statements),
    ),
  ) as PolicyStatement[];

/**
 * The reject destination of the construct at `scope`: the given queue or bucket prefix, or a new
 * standard queue (14 days' retention, SQS-managed encryption, SSL only, 1 MiB messages so a
 * document carrying a large original fits). Standard, not FIFO: rejects are independent
 * documents with no order to keep, a FIFO queue's throughput limit could fail records during a
 * burst of rejects, and a document written twice after a retry replays idempotently.
 * @example const rejects = pipelineRejects(this, props.rejectDestination);
 */
export const pipelineRejects = (
  scope: Construct,
  given: RejectDestinationProp | undefined,
): PipelineRejects => {
  const at = locationOf(scope);
  const createdQueue =
    given === undefined
      ? new sqs.Queue(scope, "Rejects", {
          retentionPeriod: Duration.days(14),
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          maxMessageSizeBytes: 1_048_576,
        })
      : undefined;
  const target = createdQueue ?? given;
  if (target === undefined) throw new Error("unreachable: a reject destination exists");
  let destination: string;
  let statements: PolicyStatement[];
  const placeholderAt = { region: PLACEHOLDER.region, account: PLACEHOLDER.account };
  // The destination's customer managed key, checked as the library checks it, then a stand-in.
  const { keyArn } = keyArnOf(
    "keyArn",
    isQueue(target) ? target.encryptionMasterKey : target.bucket.encryptionKey,
  );
  const key =
    keyArn === undefined
      ? { options: {}, values: {} }
      : {
          options: { keyArn: PLACEHOLDER.keyArn },
          values: { [PLACEHOLDER.keyArn]: checkedKeyArn("rejectDestination's key", keyArn) },
        };
  if (isQueue(target)) {
    destination = target.queueUrl;
    const url = `https://sqs.${PLACEHOLDER.region}.amazonaws.com/${PLACEHOLDER.account}/${PLACEHOLDER.name}`;
    statements = substitute(
      rejectDestinationPermissions(
        { ...placeholderAt, partition: PLACEHOLDER.partition },
        url,
        key.options,
      ),
      {
        [PLACEHOLDER.partition]: at.partition ?? "aws",
        [PLACEHOLDER.region]: target.env.region,
        [PLACEHOLDER.account]: target.env.account,
        [PLACEHOLDER.name]: target.queueName,
        ...key.values,
      },
    );
  } else {
    destination = `s3://${target.bucket.bucketName}/${target.prefix}`;
    // The real prefix goes through the library's checks (no * or ?); only the bucket is a stand-in.
    const uri = `s3://${PLACEHOLDER.bucket}/${target.prefix}`;
    statements = substitute(
      rejectDestinationPermissions(
        { ...placeholderAt, partition: PLACEHOLDER.partition },
        uri,
        key.options,
      ),
      {
        [PLACEHOLDER.partition]: at.partition ?? "aws",
        [PLACEHOLDER.bucket]: target.bucket.bucketName,
        ...key.values,
      },
    );
  }
  const ageAlarm = createdQueue
    ?.metricApproximateAgeOfOldestMessage({ statistic: "Maximum", period: Duration.hours(1) })
    .createAlarm(scope, "RejectsAgeAlarm", {
      alarmDescription: `${createdQueue.node.path}: a reject document waited 7 days unread (SQS deletes it at 14); replay or archive it (docs/rejects.md)`,
      threshold: Duration.days(7).toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  return {
    createdQueue,
    destination,
    statements,
    alarms: ageAlarm === undefined ? [] : [ageAlarm],
    wire: (fn) => {
      fn.addEnvironment("REJECT_DESTINATION", destination);
      for (const statement of statements)
        fn.addToRolePolicy(iam.PolicyStatement.fromJson(statement));
    },
  };
};
