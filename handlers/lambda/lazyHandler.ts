import { describeError, type PipelineError } from "../../domain/errors.js";

/**
 * Wraps a handler whose dependencies come from the environment: they are read and validated once,
 * on the first invocation (the cold start), and reused after. An invalid environment fails every
 * invocation with one error naming every missing or invalid variable. Importing the module never
 * throws, so its factory stays usable in tests.
 *
 * @example
 * export const handler = lazyHandler(() => fromEnv(process.env));
 */
export const lazyHandler = <E, C, R>(
  build: () =>
    | { readonly ok: true; readonly value: (event: E, context: C) => Promise<R> }
    | { readonly ok: false; readonly error: PipelineError },
): ((event: E, context: C) => Promise<R>) => {
  let built: ReturnType<typeof build> | undefined;
  return (event, context) => {
    built ??= build();
    if (!built.ok)
      return Promise.reject(new Error(describeError(built.error), { cause: built.error }));
    return built.value(event, context);
  };
};
