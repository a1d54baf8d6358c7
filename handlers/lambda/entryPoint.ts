import middy, { type MiddlewareObj, type MiddyfiedHandler } from "@middy/core";
import type { Context } from "aws-lambda";
import * as E from "fp-ts/lib/Either.js";
import { type ConfigurationError, toThrowable } from "../../domain/errors.js";
import { type BatchMetrics, pipelineMetrics } from "./batchMetrics.js";
import { pipelineFailures } from "./pipelineFailures.js";

/** A handler built from the environment. */
type Built<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** The Lambda environment, as `process.env`. */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Middy `before`: builds the entry point's handler from the environment on the first invocation
 * (the cold start) and reuses it after, handing it to the handler as `context.configured`. An
 * invalid environment fails every invocation with the same error, naming every missing or invalid
 * variable (handlers/lambda/env.ts); nothing is read when the module is imported.
 *
 * @example
 * middy().use(configuredAtColdStart(() => fromEnv(process.env))).handler((e, c) => c.configured(e, c));
 */
export const configuredAtColdStart = <B>(
  build: () => E.Either<ConfigurationError, B>,
): MiddlewareObj<unknown, unknown, Error, Context & { configured?: B }> => {
  let built: E.Either<ConfigurationError, B> | undefined;
  return {
    name: "configuredAtColdStart",
    before: (request) => {
      built ??= build();
      if (E.isLeft(built)) throw toThrowable(built.left);
      request.context.configured = built.right;
    },
  };
};

/**
 * A deployable entry point: its handler is built from `process.env` at cold start
 * ({@link configuredAtColdStart}), given where to record its counts (published once per
 * invocation in CloudWatch's Embedded Metric Format, handlers/lambda/batchMetrics.ts), and its
 * failures are named by {@link pipelineFailures}. Importing the module never throws, so its
 * factory stays usable in tests.
 *
 * @example
 * export const handler = entryPoint("streamToQueue", (env, metrics) =>
 *   E.map(({ QUEUE_URL }) => createStreamToQueueHandler({ ...depsFor(QUEUE_URL), metrics }))(readEnv(env, spec)),
 * );
 */
export const entryPoint = <Event, Result>(
  pipeline: string,
  build: (
    env: Environment,
    metrics: BatchMetrics,
  ) => E.Either<ConfigurationError, Built<Event, Result>>,
): MiddyfiedHandler<Event, Result, Error, Context & { configured?: Built<Event, Result> }> => {
  const metrics = pipelineMetrics(pipeline, () => process.env);
  return middy<Event, Result>()
    .use(configuredAtColdStart(() => build(process.env, metrics.record)))
    .use(metrics.publish)
    .use(pipelineFailures(pipeline))
    .handler((event, context) => {
      const { configured } = context;
      if (configured === undefined)
        throw new Error(`${pipeline}: configuredAtColdStart did not run before the handler`);
      return configured(event, context);
    });
};
