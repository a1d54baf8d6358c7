import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";
import { checkQueueUrl } from "../../handlers/lambda/queueUrl.js";

type Entry = { handler: (event: never, context: never) => Promise<unknown> };

const entries: Record<string, () => Promise<Entry>> = {
  streamToQueue: () => import("../../handlers/streamToQueue.js"),
  csvToQueue: () => import("../../handlers/csvToQueue.js"),
};

/** The deployable entry point, imported fresh (its own cold start) with only `variables` set. */
const fresh = async (name: string, variables: Readonly<Record<string, string>>) => {
  vi.resetModules();
  for (const variable of ["QUEUE_URL", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS"])
    vi.stubEnv(variable, undefined);
  for (const [variable, value] of Object.entries(variables)) vi.stubEnv(variable, value);
  return (await (entries[name] as () => Promise<Entry>)()).handler;
};

const event = { Records: [] } as never;
const context = localContext("queue-url") as never;

/**
 * SQS queue URLs are `https://sqs.<region>.amazonaws.com/<account>/<name>` (SQS Developer Guide,
 * "Amazon SQS queue and message identifiers"); queue names are 1 to 80 alphanumerics, `-`, `_`,
 * FIFO ones ending in `.fifo`.
 */
describe("QUEUE_URL is checked at cold start (streamToQueue, csvToQueue)", () => {
  const malformed = [
    "rows",
    "sqs.us-east-1.amazonaws.com/123456789012/rows",
    "http://sqs.us-east-1.amazonaws.com/123456789012/rows",
    "https://sqs.us-east-1.amazonaws.com/rows",
    "https://sqs.us-east-1.amazonaws.com/123456789012/",
    "https://sqs.us-east-1.amazonaws.com/123456789012/ro ws",
    "https://example.com/123456789012/rows",
    "arn:aws:sqs:us-east-1:123456789012:rows",
  ];

  it.each(["streamToQueue", "csvToQueue"].flatMap((name) => malformed.map((url) => [name, url])))(
    "%s refuses %j, naming QUEUE_URL",
    async (name, url) => {
      const handler = await fresh(name, { QUEUE_URL: url });
      await expect(handler(event, context)).rejects.toThrow(/QUEUE_URL /);
      vi.unstubAllEnvs();
    },
  );

  it.each([
    "https://sqs.us-east-1.amazonaws.com/123456789012/rows",
    "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/rows.fifo",
    "https://queue.amazonaws.com/123456789012/a_b-c",
  ])("accepts the AWS queue URL %s", (url) => {
    expect(checkQueueUrl(url, false)).toEqual({ _tag: "Right", right: url });
  });

  it("accepts an emulator's http URL only when AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL is set", async () => {
    const url = "http://127.0.0.1:4566/000000000000/rows";
    for (const name of ["streamToQueue", "csvToQueue"]) {
      const without = await fresh(name, { QUEUE_URL: url });
      await expect(without(event, context)).rejects.toThrow(/QUEUE_URL must use https/);
      for (const endpoint of ["AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"]) {
        const withEndpoint = await fresh(name, {
          QUEUE_URL: url,
          [endpoint]: "http://127.0.0.1:4566",
        });
        await withEndpoint(event, context);
      }
      vi.unstubAllEnvs();
    }
    expect(checkQueueUrl("http://127.0.0.1:4566/rows", true)._tag).toBe("Left");
  });
});
