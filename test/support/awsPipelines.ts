import type { Context } from "aws-lambda";
import { noWaitRetryEnv } from "../../adapters/shared/retry.js";
import { emulatorEnvironment } from "../../bin/localEmulators.js";
import { emulatorEndpoints } from "./emulators.js";

/**
 * Sets what a deployed function would get: the emulators' endpoints (`AWS_ENDPOINT_URL_<SERVICE>`,
 * region, dummy credentials) and the handler's own variables. The handlers read it at their first
 * invocation, so call this before it (each test file runs in its own process).
 */
export const setHandlerEnvironment = (variables: Readonly<Record<string, string>>): void => {
  delete process.env.AWS_ENDPOINT_URL;
  Object.assign(process.env, emulatorEnvironment(emulatorEndpoints()), variables);
};

/** Stream pollers that stop after a short quiet spell and retry failed batches without waiting. */
export const quickStreamPolling = {
  pollIntervalMs: 50,
  maxEmptyPolls: 2,
  retryEnv: noWaitRetryEnv,
  maxAttempts: 4,
} as const;

/** SQS pollers that stop after one empty 1-second receive. */
export const quickQueuePolling = { waitTimeSeconds: 1, maxEmptyPolls: 1 } as const;

/**
 * Wraps a handler so every event is delivered twice in a row (the second response is returned),
 * as at-least-once delivery may do, and records the events it was given.
 */
export const deliveredTwice = <E, R>(handler: (event: E, context: Context) => Promise<R>) => {
  const events: E[] = [];
  const twice = async (event: E, context: Context): Promise<R> => {
    events.push(event);
    await handler(event, context);
    return handler(event, context);
  };
  return { handler: twice, events };
};

/** Wraps a handler to record the events it was given. */
export const recording = <E, R>(handler: (event: E, context: Context) => Promise<R>) => {
  const events: E[] = [];
  const recorded = (event: E, context: Context): Promise<R> => {
    events.push(event);
    return handler(event, context);
  };
  return { handler: recorded, events };
};
