/**
 * The shared pieces of the least-privilege scenarios (test/permissions/permissions.aws.test.ts):
 * what a case runs against, what it declares, and how a handler module is loaded fresh (its
 * environment is read at the first invocation, so each case needs its own instance).
 */
import { vi } from "vitest";
import type { emulatorSdkClients } from "../../bin/emulatorResources.js";
import { captureRejectLog } from "../../bin/rejectLog.js";
import type { AwsLocation, EntryPointPermissions } from "../../handlers/lambda/permissions.js";
/** What the cases run against. */
export interface PermissionRig {
  readonly at: AwsLocation;
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

/** What Lambda's DynamoDB stream event source (our poller) calls. */
export const STREAM_READS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
];
/** What Lambda's SQS event source (our poller) calls. */
export const SQS_READS = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"];

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
