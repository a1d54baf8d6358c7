/**
 * The shared pieces of the least-privilege scenarios (test/permissions/permissions.aws.test.ts):
 * what a case runs against, what it declares, and how a handler module is loaded fresh (its
 * environment is read at the first invocation, so each case needs its own instance).
 */
import { vi } from "vitest";
import type { emulatorSdkClients } from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import type { AwsLocation, EntryPointPermissions } from "../../handlers/lambda/permissions.js";
import type { CustomerKey } from "../support/customerKeys.js";

/** What the cases run against. */
export interface PermissionRig {
  readonly at: AwsLocation;
  /**
   * The ARN of a customer managed key named `name`: every case encrypts each resource it calls
   * with its own key, declares it in `keys`, and passes it to `permissions()`.
   */
  readonly keyArn: (name: string) => string;
  /** Clients straight to the emulators, for setting up and checking (not recorded). */
  readonly setup: ReturnType<typeof emulatorSdkClients>;
  /** Clients of the local event-source pollers, through the event-source recording proxies. */
  readonly source: ReturnType<typeof emulatorSdkClients>;
  /** Sets the handler's variables, its AWS endpoints pointing at the function-code proxies. */
  readonly environment: (variables: Readonly<Record<string, string>>) => void;
  /**
   * A queue URL through the function-code (`code`) or event-source (`source`) proxy: the SQS
   * client sends each call to its queue URL's host, whatever its endpoint.
   */
  readonly queueUrl: (url: string, via: "code" | "source") => string;
}

/** One configuration of one entry point, ready to run. */
export interface PermissionCase {
  readonly permissions: EntryPointPermissions;
  /** The resources encrypted with a customer managed key, and their keys. */
  readonly keys: ReadonlyArray<CustomerKey>;
  /** The usual traffic. */
  readonly main: () => Promise<void>;
  /** A rare path, and the only grants it alone uses. */
  readonly rare?: {
    readonly actions: ReadonlyArray<string>;
    /** Why the usual traffic does not use them (README: "Least privilege"). */
    readonly because: string;
    readonly run: () => Promise<void>;
  };
}

/** A case and the IAM actions its runs are expected to record (sorted). */
export interface PermissionScenario {
  readonly name: string;
  readonly make: (rig: PermissionRig) => Promise<PermissionCase>;
  readonly recorded: {
    readonly code: ReadonlyArray<string>;
    readonly eventSource: ReadonlyArray<string>;
  };
}

/** What Lambda's DynamoDB stream event source (our poller) calls, on an encrypted table's stream. */
export const STREAM_READS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "kms:Decrypt",
];
/** What Lambda's SQS event source (our poller) calls, on an encrypted queue. */
export const SQS_READS = [
  "kms:Decrypt",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:ReceiveMessage",
];

/**
 * The key resources of an SQS queue, a DynamoDB table, its stream, a bucket's objects and a
 * Kinesis stream, as IAM names them in the rig's account and region.
 * @example ({ resource: arnIn(rig.at).queue("rows"), keyArn: rig.keyArn("rows") })
 */
export const arnIn = (at: AwsLocation) => ({
  queue: (name: string) => `arn:aws:sqs:${at.region}:${at.account}:${name}`,
  table: (name: string) => `arn:aws:dynamodb:${at.region}:${at.account}:table/${name}`,
  objects: (bucket: string) => `arn:aws:s3:::${bucket}/*`,
  kinesis: (name: string) => `arn:aws:kinesis:${at.region}:${at.account}:stream/${name}`,
});

/** A fresh instance of a handler module, so it reads the environment set just before. */
export const fresh = async <M>(load: () => Promise<M>): Promise<M> => {
  vi.resetModules();
  return load();
};

/** Runs `run` with the reject lines of the handlers kept off standard error. */
export const quietly = async <A>(run: () => Promise<A>): Promise<A> => {
  const log = captureRejectLog();
  try {
    return await run();
  } finally {
    log.stop();
  }
};
