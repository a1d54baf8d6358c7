import * as E from "fp-ts/lib/Either.js";
import type { EnvVar } from "./env.js";

/** An SQS queue name (1 to 80 letters, digits, `-`, `_`; FIFO names end in `.fifo`). */
const QUEUE_NAME = /^[A-Za-z0-9_-]+(\.fifo)?$/;

const parseUrl = (text: string): URL | undefined => {
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
};

/**
 * Checks a queue URL: on AWS an `https://` URL on an `amazonaws.com` (or `.com.cn`) host whose
 * path is `/<12-digit account>/<queue name>`, as SQS's GetQueueUrl returns it; when the
 * environment points SQS at a custom endpoint (`AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`:
 * emulators), any `http(s)://` host with a path `/<account>/<queue name>`. A sentence saying what
 * is wrong, or the URL.
 * @example checkQueueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/rows", false) // right(…)
 */
export const checkQueueUrl = (text: string, customEndpoint: boolean): E.Either<string, string> => {
  const url = parseUrl(text);
  const expected = customEndpoint
    ? "an http(s) queue URL of the configured SQS endpoint, like <endpoint>/<account>/<queue name>"
    : "an https SQS queue URL, like https://sqs.<region>.amazonaws.com/<account>/<queue name>";
  if (url === undefined) return E.left(`is not a URL: expected ${expected}`);
  const https = url.protocol === "https:";
  if (!https && !(customEndpoint && url.protocol === "http:"))
    return E.left(`must use https: expected ${expected}`);
  if (!customEndpoint && !/(^|\.)amazonaws\.com(\.cn)?$/.test(url.hostname))
    return E.left(`is not on an amazonaws.com host: expected ${expected}`);
  const [account, name, ...rest] = url.pathname.split("/").filter((part) => part !== "");
  const accountOk = account !== undefined && (customEndpoint || /^\d{12}$/.test(account));
  if (!accountOk || name === undefined || rest.length > 0 || url.search !== "" || url.hash !== "")
    return E.left(`has no /<account>/<queue name> path: expected ${expected}`);
  if (!QUEUE_NAME.test(name) || name.length > 80)
    return E.left(`names no valid queue (${JSON.stringify(name)}): expected ${expected}`);
  return E.right(text.trim());
};

/**
 * A required `QUEUE_URL`-like variable checked by {@link checkQueueUrl}, custom endpoints allowed
 * when `env` sets `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL`.
 * @example readEnv(env, { QUEUE_URL: sqsQueueUrl(env) })
 */
export const sqsQueueUrl = (env: Readonly<Record<string, string | undefined>>): EnvVar<string> => {
  const custom = Boolean(env.AWS_ENDPOINT_URL_SQS?.trim() || env.AWS_ENDPOINT_URL?.trim());
  return { required: true, parse: (text) => checkQueueUrl(text, custom) };
};
