import { describe, expect, it, vi } from "vitest";
import { localContext } from "../../adapters/localAws/eventSources/localContext.js";

type Entry = { handler: (event: never, context: never) => Promise<unknown> };

const context = localContext("env-check") as never;
const event = { Records: [] } as never;
const entries: Record<string, () => Promise<Entry>> = {
  streamToQueue: () => import("../../handlers/streamToQueue.js"),
  queueToTable: () => import("../../handlers/queueToTable.js"),
  streamToGlue: () => import("../../handlers/streamToGlue.js"),
  streamAggregate: () => import("../../handlers/streamAggregate.js"),
  kinesisToTable: () => import("../../handlers/kinesisToTable.js"),
  csvToQueue: () => import("../../handlers/csvToQueue.js"),
};

/**
 * Every deployable entry point reads its environment on the first invocation (the cold start)
 * and fails with one error naming every missing or invalid variable. Modules are re-imported
 * fresh for each case, as each Lambda function has its own runtime.
 */
describe("entry points validate their environment at cold start", () => {
  const names = [
    "QUEUE_URL",
    "TABLE_NAME",
    "VERSION_TABLE",
    "GLUE_JOB_NAME",
    "GLUE_JOB_ARGUMENTS",
    "TOTALS_TABLE",
    "AGGREGATE_SPEC",
    "CSV_SCHEMA",
  ];
  const fresh = async (name: string): Promise<Entry> => {
    vi.resetModules();
    for (const variable of names) delete process.env[variable];
    return (entries[name] as () => Promise<Entry>)();
  };

  it.each([
    ["streamToQueue", /QUEUE_URL is missing/],
    ["queueToTable", /TABLE_NAME is missing/],
    ["streamToGlue", /GLUE_JOB_NAME is missing/],
    ["streamAggregate", /TOTALS_TABLE is missing/],
    ["kinesisToTable", /TABLE_NAME is missing/],
    ["csvToQueue", /QUEUE_URL is missing/],
  ])("%s names its missing variable", async (name, message) => {
    const { handler } = await fresh(name);
    await expect(handler(event, context)).rejects.toThrow(message);
    await expect(handler(event, context)).rejects.toThrow(message);
  });

  it("names every problem at once, invalid JSON included", async () => {
    const aggregate = await fresh("streamAggregate");
    process.env.AGGREGATE_SPEC = "{not json";
    await expect(aggregate.handler(event, context)).rejects.toThrow(
      /TOTALS_TABLE is missing; AGGREGATE_SPEC is not valid JSON/,
    );
    const glue = await fresh("streamToGlue");
    process.env.GLUE_JOB_ARGUMENTS = '{"--n": 1}';
    await expect(glue.handler(event, context)).rejects.toThrow(
      /GLUE_JOB_NAME is missing; GLUE_JOB_ARGUMENTS must be a JSON object of strings/,
    );
    const csv = await fresh("csvToQueue");
    process.env.QUEUE_URL = "http://127.0.0.1:1/000000000000/rows";
    process.env.CSV_SCHEMA = '{"columns":{"a":"integer"}}';
    await expect(csv.handler(event, context)).rejects.toThrow(/CSV_SCHEMA/);
  });
});
