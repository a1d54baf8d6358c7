import middy from "@middy/core";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { configurationError, toThrowable, transient } from "../../domain/errors.js";
import { configuredAtColdStart } from "../../handlers/lambda/entryPoint.js";
import { pipelineFailures } from "../../handlers/lambda/pipelineFailures.js";

const context = localContext("middleware");

describe("configuredAtColdStart", () => {
  const entry = (build: () => E.Either<ReturnType<typeof configurationError>, string>) =>
    middy<unknown, string>()
      .use(configuredAtColdStart(build))
      .handler(async (_event, ctx) => `built ${ctx.configured}`);

  it("builds once, at the first invocation, and reuses what it built", async () => {
    let builds = 0;
    const handler = entry(() => {
      builds += 1;
      return E.right(`#${builds}`);
    });
    expect(builds).toBe(0);
    expect(await handler({}, context)).toBe("built #1");
    expect(await handler({}, context)).toBe("built #1");
    expect(builds).toBe(1);
  });

  it("fails every invocation with the same configuration error, read once", async () => {
    let builds = 0;
    const handler = entry(() => {
      builds += 1;
      return E.left(configurationError("environment", "A is missing; B is not valid JSON"));
    });
    await expect(handler({}, context)).rejects.toThrow(/A is missing; B is not valid JSON/);
    await expect(handler({}, context)).rejects.toThrow(/A is missing; B is not valid JSON/);
    expect(builds).toBe(1);
  });
});

describe("pipelineFailures", () => {
  const failingWith = (error: unknown) =>
    middy(async () => {
      throw error;
    }).use(pipelineFailures("queueToTable"));

  it("names the entry point, the problem and what happens next, keeping the tagged cause", async () => {
    const cause = configurationError("table replica", "does not exist");
    const failure = await failingWith(toThrowable(cause))({}, context).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^queueToTable: configuration error for table replica: does not exist \(the deployment is wrong/,
    );
    expect((failure as Error).cause).toBe(cause);
  });

  it("says a transient failure is retried", async () => {
    const failure = await failingWith(toThrowable(transient("SendMessageBatch", "Throttling")))(
      {},
      context,
    ).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(/Throttling \(retryable: Lambda retries/);
  });

  it("leaves any other error as it is", async () => {
    const bug = new TypeError("x is not a function");
    await expect(failingWith(bug)({}, context)).rejects.toBe(bug);
  });

  it("names a failure once when handlers are nested", async () => {
    const inner = failingWith(toThrowable(configurationError("queue q", "does not exist")));
    const outer = middy(inner).use(pipelineFailures("queueToTable"));
    await expect(outer({}, context)).rejects.toThrow(
      /^queueToTable: configuration error for queue q/,
    );
    const message = await outer({}, context).catch((e: Error) => e.message);
    expect(message.match(/queueToTable: /g)).toHaveLength(1);
  });
});
