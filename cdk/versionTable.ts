/**
 * The version table queueToTable orders its writes by (VERSION_TABLE).
 */
import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import { asITable } from "./location.js";

/**
 * A version table: key `pk` (string), on demand, TTL on `expiresAt` (written only when the
 * writer is given a lifetime; by default version items are kept for good, since a redriven dead
 * letter can come back any time). One ~250-byte item per key the pipeline ever wrote.
 * @example const versions = versionTable(this, "Versions");
 */
export const versionTable = (scope: Construct, id: string): dynamodb.ITable =>
  asITable(
    new dynamodb.Table(scope, id, {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: "expiresAt",
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  );
