import type { Context } from "aws-lambda";

/**
 * A Lambda `Context` for running handlers offline: a function name, a request id and a
 * `getRemainingTimeInMillis` counting down from `timeoutMs` on the given clock.
 * @example await handler(event, localContext("queueToTable"))
 */
export const localContext = (
  functionName: string,
  timeoutMs = 60_000,
  clock: () => number = Date.now,
): Context => {
  const start = clock();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "128",
    awsRequestId: `local-${functionName}-${start}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (clock() - start)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};
