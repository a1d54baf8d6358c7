import { type ConfigurationError, configurationError } from "../../domain/errors.js";

/** How one environment variable is read: required or not, and how its text is checked. */
export interface EnvVar<A> {
  readonly required: boolean;
  /** Returns the parsed value, or a sentence saying what is wrong with the text. */
  readonly parse: (
    text: string,
  ) => { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string };
}

/** A required variable taken as it is (must be non-empty). */
export const requiredString: EnvVar<string> = {
  required: true,
  parse: (text) =>
    text.trim() === "" ? { ok: false, reason: "is empty" } : { ok: true, value: text },
};

/**
 * An optional variable holding JSON, checked by `validate` (which returns a reason or the value).
 * @example optionalJson((v) => (typeof v === "object" ? { ok: true, value: v } : { ok: false, reason: "must be an object" }))
 */
export const optionalJson = <A>(
  validate: (
    value: unknown,
  ) => { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string },
): EnvVar<A | undefined> => ({
  required: false,
  parse: (text) => {
    try {
      return validate(JSON.parse(text));
    } catch (error) {
      // Not JSON.parse's message: it quotes the text, so a misplaced secret would reach the logs.
      const at = /at position (\d+)/.exec((error as Error).message)?.[1];
      return {
        ok: false,
        reason: `is not valid JSON${at === undefined ? "" : ` (at position ${at})`}`,
      };
    }
  },
});

type Parsed<S> = { readonly [K in keyof S]: S[K] extends EnvVar<infer A> ? A : never };

/**
 * Reads every variable of `spec` from `env` and reports ALL problems at once, so a deployment is
 * fixed in one go: `QUEUE_URL is missing; CSV_SCHEMA is not valid JSON (…)`.
 *
 * @example
 * const config = readEnv(process.env, { QUEUE_URL: requiredString });
 */
export const readEnv = <S extends Record<string, EnvVar<unknown>>>(
  env: Readonly<Record<string, string | undefined>>,
  spec: S,
):
  | { readonly ok: true; readonly value: Parsed<S> }
  | { readonly ok: false; readonly error: ConfigurationError } => {
  const problems: string[] = [];
  const value: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const text = env[name];
    if (text === undefined || text === "") {
      if (variable.required) problems.push(`${name} is missing`);
      continue;
    }
    const parsed = variable.parse(text);
    if (parsed.ok) value[name] = parsed.value;
    else problems.push(`${name} ${parsed.reason}`);
  }
  return problems.length === 0
    ? { ok: true, value: value as Parsed<S> }
    : { ok: false, error: configurationError("environment", problems.join("; ")) };
};
