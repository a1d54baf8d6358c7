/**
 * Runs one Lambda bundle the way the Node.js runtime does: imports the module, then invokes its
 * `handler` with one event and a Lambda context. Configured by environment variables only:
 * HARNESS_BUNDLE (absolute path of an index.mjs), HARNESS_EVENT (the event, JSON); the handler
 * reads its own variables (TABLE_NAME, QUEUE_URL, …, AWS_ENDPOINT_URL_<SERVICE>) at cold start.
 * Prints one JSON line: the Node.js version and the handler's response (or its error).
 */
import { pathToFileURL } from "node:url";

const { HARNESS_BUNDLE, HARNESS_EVENT } = process.env;
if (!HARNESS_BUNDLE || !HARNESS_EVENT)
  throw new Error("HARNESS_BUNDLE and HARNESS_EVENT are required");
delete process.env.HARNESS_BUNDLE;
delete process.env.HARNESS_EVENT;

const started = Date.now();
const { handler } = await import(pathToFileURL(HARNESS_BUNDLE).href);
const context = {
  functionName: "runtime-harness",
  functionVersion: "$LATEST",
  awsRequestId: "harness-1",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, 60_000 - (Date.now() - started)),
};
try {
  const response = await handler(JSON.parse(HARNESS_EVENT), context);
  console.log(JSON.stringify({ node: process.version, response: response ?? null }));
} catch (error) {
  console.log(JSON.stringify({ node: process.version, error: String(error?.message ?? error) }));
}
