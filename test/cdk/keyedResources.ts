/**
 * Resources of the user's, each encrypted with its own customer managed key, to give the
 * constructs (test/cdk/customerKeyPipelines.ts).
 */
import type { Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { asITable } from "../../cdk/location.js";
import type { PipelineFunction } from "../../cdk/pipelineFunction.js";
import type { RejectDestinationProp } from "../../cdk/rejectDestination.js";
import { type Call, onQueue } from "./roleCalls.js";

/**
 * A customer managed key of the user's.
 * @example key(stack, "Orders")
 */
export const key = (stack: Stack, id: string) => new kms.Key(stack, `${id}Key`);

/**
 * A table of the user's, with its own key (and a stream).
 * @example userTable(stack, "Orders", { stream: true })
 */
export const userTable = (
  stack: Stack,
  id: string,
  props: { stream?: boolean; tableName?: string },
) => {
  const table = new dynamodb.Table(stack, id, {
    partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key(stack, id),
    ...(props.stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
    ...(props.tableName === undefined ? {} : { tableName: props.tableName }),
  });
  return asITable(table);
};

/**
 * Where the rejects go.
 * @example const kind: Rejects = "bucket";
 */
export type Rejects = "queue" | "bucket";

/**
 * The given reject destination, encrypted with its own key, and the call each function makes
 * to it.
 * @example const rejects = rejectsOf(stack, "queue");
 */
export const rejectsOf = (stack: Stack, kind: Rejects) => {
  if (kind === "queue") {
    const queue = new sqs.Queue(stack, "OpsRejects", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key(stack, "OpsRejects"),
    });
    return {
      prop: queue as RejectDestinationProp,
      call: (_fn: PipelineFunction) => onQueue(queue, "sqs:SendMessage"),
    };
  }
  const bucket = new s3.Bucket(stack, "OpsBucket", {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key(stack, "OpsBucket"),
  });
  return {
    prop: { bucket, prefix: "rejects/" } as RejectDestinationProp,
    call: (fn: PipelineFunction): Call[] => [
      {
        action: "s3:PutObject",
        resource: bucket.arnForObjects(
          `rejects/${fn.entryPoint}/2026-11-30T00:40:00.000Z-0a1b.json`,
        ),
        key: bucket.encryptionKey,
      },
    ],
  };
};
