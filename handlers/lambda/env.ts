import * as E from "fp-ts/lib/Either.js";
import { type ConfigurationError, configurationError } from "../../domain/errors.js";

/**
 * How one environment variable is read: required or not, and how its text is checked (the
 * parsed value, or a sentence saying what is wrong with the text).
 * @example const port: EnvVar<number> = { required: true, parse: (t) => (/^\d+$/.test(t) ? E.right(Number(t)) : E.left("must be a number")) };
 */
export interface EnvVar<A> {
  readonly required: boolean;
  readonly parse: (text: string) => E.Either<string, A>;
}

/**
 * A required variable taken as it is (must be non-empty).
 * @example readEnv(process.env, { QUEUE_URL: requiredString })
 */
export const requiredString: EnvVar<string> = {
  required: true,
  parse: (text) => (text.trim() === "" ? E.left("is empty") : E.right(text)),
};

/**
 * An optional variable taken as it is (must not be blank when set).
 * @example readEnv(process.env, { VERSION_TABLE: optionalString })
 */
export const optionalString: EnvVar<string | undefined> = {
  required: false,
  parse: (text) => (text.trim() === "" ? E.left("is empty") : E.right(text)),
};

/**
 * An optional variable holding JSON, checked by `validate` (a reason, or the value).
 * @example optionalJson((v) => (typeof v === "object" ? E.right(v) : E.left("must be an object")))
 */
export const optionalJson = <A>(
  validate: (value: unknown) => E.Either<string, A>,
): EnvVar<A | undefined> => ({
  required: false,
  parse: (text) => {
    try {
      return validate(JSON.parse(text));
    } catch (error) {
      // Not JSON.parse's message: it quotes the text, so a misplaced secret would reach the logs.
      const at = /at position (\d+)/.exec((error as Error).message)?.[1];
      return E.left(`is not valid JSON${at === undefined ? "" : ` (at position ${at})`}`);
    }
  },
});

type Parsed<S> = { readonly [K in keyof S]: S[K] extends EnvVar<infer A> ? A : never };

/**
 * Reads every variable of `spec` from `env` and reports ALL problems at once, so a deployment is
 * fixed in one go: `QUEUE_URL is missing; CSV_SCHEMA is not valid JSON (…)`.
 *
 * @example
 * const config = readEnv(process.env, { QUEUE_URL: requiredString }); // right({ QUEUE_URL: "…" })
 */
export const readEnv = <S extends Record<string, EnvVar<unknown>>>(
  env: Readonly<Record<string, string | undefined>>,
  spec: S,
): E.Either<ConfigurationError, Parsed<S>> => {
  const problems: string[] = [];
  const value: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const text = env[name];
    if (text === undefined || text === "") {
      if (variable.required) problems.push(`${name} is missing`);
      continue;
    }
    const parsed = variable.parse(text);
    if (E.isRight(parsed)) value[name] = parsed.right;
    else problems.push(`${name} ${parsed.left}`);
  }
  return problems.length === 0
    ? E.right(value as Parsed<S>)
    : E.left(configurationError("environment", problems.join("; ")));
};
